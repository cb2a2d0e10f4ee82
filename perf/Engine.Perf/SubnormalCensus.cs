using Engine.Model;
using Engine.Train.Training;
using Engine.Train.World;

namespace Engine.Perf;

/// <summary>
/// Where a model's float32 state holds subnormal numbers (0 &lt; |x| &lt; 2⁻¹²⁶, which x86 arithmetic handles in
/// microcode, tens of times slower than normal numbers): per parameter tensor in θ, in its last gradient ∇, and in
/// Adam's m and v; then, for one training batch of the first facts, in the logits, in their gradient
/// (softmax − onehot)/B as the fused cross-entropy writes it, and in the softmax terms exp(logit − max) the kernel
/// forms (counted on the host from the logits: subnormal when logit − max lies in (−103.3, −87.3]).
/// </summary>
internal static class SubnormalCensus
{
    /// <summary>One line per buffer with subnormals ("name: θ a, ∇ b, m c, v d of n"), then the logits' lines.</summary>
    public static IReadOnlyList<string> Count(Gpt<float> model, AdamOptimizer<float> adam, IReadOnlyList<Fact> facts)
    {
        var device = model.Device;
        var store = model.Parameters;
        var theta = new float[store.Length];
        var grad = new float[store.Length];
        var m = new float[store.Length];
        var v = new float[store.Length];
        device.Download(store.Values, theta);
        device.Download(store.Gradients, grad);
        device.Download(adam.FirstMoment, m);
        device.Download(adam.SecondMoment, v);

        var lines = new List<string>();
        long[] totals = new long[4];
        foreach (var tensor in store.Parameters)
        {
            var (offset, length) = (tensor.Data.Offset - store.Values.Offset, tensor.Count);
            long[] counts = [Subnormals(theta, offset, length), Subnormals(grad, offset, length), Subnormals(m, offset, length), Subnormals(v, offset, length)];
            for (var i = 0; i < 4; i++) totals[i] += counts[i];
            if (counts.Any(c => c > 0)) lines.Add($"{tensor.Name}: θ {counts[0]}, ∇ {counts[1]}, m {counts[2]}, v {counts[3]} of {length}");
            var tiny = Tiny(theta, offset, length);
            if (tiny > 0) lines.Add($"{tensor.Name}: {tiny} of {length} θ are tiny (0 < |θ| < 1e-19: λθ·λθ underflows) and {Zeros(theta, offset, length)} zero");
        }
        lines.Add($"all parameters: θ {totals[0]}, ∇ {totals[1]}, m {totals[2]}, v {totals[3]} of {store.Length}");

        using var tape = new Tape<float>(device);
        using var inputs = new GptInputs(device, model.Config.VocabSize);
        var rows = Math.Min(64, facts.Count);
        var batch = new BatchEncoder(rows).Encode(inputs, facts, [], 0, rows);
        model.ZeroGrad();
        var output = model.Forward(tape, batch);
        var logits = output.Logits.ToArray();
        var logitsGrad = output.Logits.GradToArray();
        tape.Backward(output.Loss!);
        var activations = new Dictionary<string, long[]>();
        foreach (var tensor in tape.Arena.TensorsHandedOut)
        {
            var values = tensor.ToArray();
            var grads = tensor.HasGrad ? tensor.GradToArray() : [];
            if (!activations.TryGetValue(tensor.Name, out var c)) activations[tensor.Name] = c = new long[3];
            c[0] += Subnormals(values, 0, values.Length);
            c[1] += Subnormals(grads, 0, grads.Length);
            c[2] += values.Length;
        }
        foreach (var (name, c) in activations.Where(a => a.Value[0] + a.Value[1] > 0))
            lines.Add($"activation {name}: values {c[0]}, gradients {c[1]} of {c[2]}");
        var vocab = model.Config.VocabSize;
        long subnormalTerms = 0, zeroTerms = 0;
        for (var r = 0; r < rows; r++)
        {
            var row = logits.AsSpan(r * vocab, vocab);
            var max = float.NegativeInfinity;
            foreach (var x in row) max = MathF.Max(max, x);
            foreach (var x in row)
            {
                var term = MathF.Exp(x - max);
                if (term == 0) zeroTerms++;
                else if (float.IsSubnormal(term)) subnormalTerms++;
            }
        }
        lines.Add($"logits of a batch of {rows}: {Subnormals(logits, 0, logits.Length)} of {logits.Length}; " +
                  $"their gradient (softmax − onehot)/B: {Subnormals(logitsGrad, 0, logitsGrad.Length)}; " +
                  $"softmax terms exp(logit − max): {subnormalTerms} subnormal, {zeroTerms} zero");
        model.ZeroGrad();
        return lines;
    }

    private static long Tiny(float[] values, int offset, int length)
    {
        long count = 0;
        foreach (var x in values.AsSpan(offset, length))
            if (x != 0 && MathF.Abs(x) < 1e-19f) count++;
        return count;
    }

    private static long Zeros(float[] values, int offset, int length)
    {
        long count = 0;
        foreach (var x in values.AsSpan(offset, length))
            if (x == 0) count++;
        return count;
    }

    private static long Subnormals(float[] values, int offset, int length)
    {
        long count = 0;
        foreach (var x in values.AsSpan(offset, length))
            if (float.IsSubnormal(x)) count++;
        return count;
    }
}
