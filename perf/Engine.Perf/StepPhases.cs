using System.Diagnostics;
using Engine.Model;
using Engine.Train.Training;
using Engine.Train.World;

namespace Engine.Perf;

/// <summary>
/// One training step split into its phases (median ms each): staging the inputs and zeroing the gradients, the
/// forward pass with its loss read back, the backward pass, the Adam update; and a probe-sized no-grad forward
/// (165 sequences). Timed on a given model and optimiser, so the same code measures a fresh model and the state
/// a run reached. The steps update the model: measure after a run, or on a model nothing else will use.
/// </summary>
internal sealed record StepPhases(double Inputs, double Forward, double Backward, double Adam, double Probe)
{
    private const int Batch = 64, ProbeRows = 165;

    public double Total => Inputs + Forward + Backward + Adam;

    public static void PrintHeader() =>
        Console.WriteLine($"  {"state",-22} {"inputs+zero",12} {"forward",9} {"backward",9} {"adam",7} {"total",8} {"probe pass",11}");

    public void Print(string state) =>
        Console.WriteLine($"  {state,-22} {Inputs,12:F2} {Forward,9:F2} {Backward,9:F2} {Adam,7:F2} {Total,8:F2} {Probe,11:F2}");

    /// <summary>Median of each phase over <paramref name="steps"/> steps (after two warm-up steps) on the first
    /// training facts, a batch of 64 and a probe pass of 165 of them.</summary>
    public static StepPhases Measure(Gpt<float> model, AdamOptimizer<float> adam, IReadOnlyList<Fact> facts, int steps)
    {
        var device = model.Device;
        using var tape = new Tape<float>(device);
        using var inputs = new GptInputs(device, model.Config.VocabSize);
        using var probeInputs = new GptInputs(device, model.Config.VocabSize);
        var encoder = new BatchEncoder(Math.Max(Batch, ProbeRows));
        var batchSize = Math.Min(Batch, facts.Count);
        var probe = encoder.Encode(probeInputs, facts, [], 0, Math.Min(ProbeRows, facts.Count));
        var loss = new float[1];
        var samples = new List<double[]>();
        for (var s = 0; s < steps + 2; s++)
        {
            var clock = Stopwatch.StartNew();
            var batch = encoder.Encode(inputs, facts, [], (s * batchSize) % Math.Max(1, facts.Count - batchSize + 1), batchSize);
            tape.Reset();
            model.ZeroGrad();
            device.Synchronize();
            var t0 = clock.Elapsed.TotalMilliseconds;
            var output = model.Forward(tape, batch);
            device.Download(output.Loss!.Data, loss);
            var t1 = clock.Elapsed.TotalMilliseconds;
            tape.Backward(output.Loss!);
            device.Synchronize();
            var t2 = clock.Elapsed.TotalMilliseconds;
            adam.Step();
            device.Synchronize();
            var t3 = clock.Elapsed.TotalMilliseconds;
            tape.Reset();
            using (tape.NoGrad())
            {
                var probed = model.Forward(tape, probe);
                device.Download(probed.Loss!.Data, loss);
            }
            var t4 = clock.Elapsed.TotalMilliseconds;
            if (s >= 2) samples.Add([t0, t1 - t0, t2 - t1, t3 - t2, t4 - t3]);
        }
        double Median(int i) => samples.Select(x => x[i]).Order().ElementAt(samples.Count / 2);
        return new StepPhases(Median(0), Median(1), Median(2), Median(3), Median(4));
    }
}
