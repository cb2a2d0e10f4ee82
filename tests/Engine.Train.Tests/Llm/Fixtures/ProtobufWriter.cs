using System.Text;

namespace Engine.Train.Tests.Llm.Fixtures;

/// <summary>
/// The few protobuf wire-format pieces a SentencePiece model file needs: varint fields (wire type 0), 32-bit floats
/// (wire type 5) and length-delimited strings and sub-messages (wire type 2). Tag = field number · 8 + wire type.
/// </summary>
public sealed class ProtobufWriter
{
    private readonly MemoryStream _bytes = new();

    public ProtobufWriter Varint(int field, long value)
    {
        Tag(field, 0);
        WriteVarint((ulong)value);
        return this;
    }

    public ProtobufWriter Bool(int field, bool value) => Varint(field, value ? 1 : 0);

    public ProtobufWriter Float(int field, float value)
    {
        Tag(field, 5);
        Span<byte> four = stackalloc byte[4];
        BitConverter.TryWriteBytes(four, value);
        _bytes.Write(four);
        return this;
    }

    public ProtobufWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtobufWriter Message(int field, ProtobufWriter message) => Bytes(field, message.ToArray());

    public ProtobufWriter Bytes(int field, byte[] value)
    {
        Tag(field, 2);
        WriteVarint((ulong)value.Length);
        _bytes.Write(value);
        return this;
    }

    public byte[] ToArray() => _bytes.ToArray();

    private void Tag(int field, int wireType) => WriteVarint((ulong)(field << 3 | wireType));

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _bytes.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _bytes.WriteByte((byte)value);
    }
}
