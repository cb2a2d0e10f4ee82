using System.Text.Json.Serialization.Metadata;

namespace Engine.Train.Config;

/// <summary>
/// Leaves a setting out of JSON while it holds <see cref="Value"/>, its default. Settings added after files were
/// first written carry it, so a default world's <c>world.json</c> and a run's <c>config.json</c> read exactly as
/// before the setting existed, and the run ids hashed from <c>config.json</c> stay the same. Reading a file
/// without the key gives the default. Applied by <see cref="Modifier"/> in a type-info resolver.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class OmittedWhenAttribute(object value) : Attribute
{
    /// <summary>The default value that is not written.</summary>
    public object Value { get; } = value;

    /// <summary>A resolver modifier: every property with the attribute is written only when it differs from its value.</summary>
    /// <exception cref="InvalidOperationException">The attribute's value is not of the property's type (a programming error).</exception>
    public static void Modifier(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object) return;
        foreach (JsonPropertyInfo property in info.Properties)
        {
            if (property.AttributeProvider?.GetCustomAttributes(typeof(OmittedWhenAttribute), inherit: false) is not [OmittedWhenAttribute omitted])
                continue;
            if (omitted.Value.GetType() != property.PropertyType)
                throw new InvalidOperationException($"{info.Type.Name}.{property.Name}: default {omitted.Value} is not a {property.PropertyType.Name}");
            object value = omitted.Value;
            property.ShouldSerialize = (_, current) => !value.Equals(current);
        }
    }

    /// <summary>The reflection resolver with <see cref="Modifier"/>.</summary>
    public static IJsonTypeInfoResolver Resolver() => new DefaultJsonTypeInfoResolver { Modifiers = { Modifier } };
}
