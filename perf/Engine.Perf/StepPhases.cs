using System.Diagnostics;
using Engine.Model;
using Engine.Train.Training;
using Engine.Train.World;

namespace Engine.Perf;

/// <summary>
/// One training step split into its phases (median ms each): staging the inputs and zeroing the gradients, the
/// forward pass with its loss read back, the backward pass, the Adam update; and a probe-sized no-grad forward
/// (165 sequences). Timed on given models and optimisers, so the same code measures a fresh model and the state
/// a run reached, interleaved. The steps update the models: measure after a run, or on a model nothing else will use.
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
        => Measure([(model, adam)], facts, steps)[0];

    /// <summary>
    /// The phases of several (model, optimiser) states, their steps interleaved (one step of each in turn), so a
    /// machine whose load changes slows them alike and their ratios hold.
    /// </summary>
    public static StepPhases[] Measure(IReadOnlyList<(Gpt<float> Model, AdamOptimizer<float> Adam)> states, IReadOnlyList<Fact> facts, int steps)
    {
        var stepping = states.Select(s => new Stepping(s.Model, s.Adam, facts)).ToArray();
        try
        {
            for (var s = 0; s < steps + 2; s++)
                foreach (var state in stepping) state.Step(s, record: s >= 2);
            return stepping.Select(state => state.Medians()).ToArray();
        }
        finally
        {
            foreach (var state in stepping) state.Dispose();
        }
    }

    /// <summary>One state's tape, inputs and samples.</summary>
    private sealed class Stepping : IDisposable
    {
        private readonly Gpt<float> _model;
        private readonly AdamOptimizer<float> _adam;
        private readonly IReadOnlyList<Fact> _facts;
        private readonly Tape<float> _tape;
        private readonly GptInputs _inputs, _probeInputs;
        private readonly BatchEncoder _encoder = new(Math.Max(Batch, ProbeRows));
        private readonly GptBatch _probe;
        private readonly int _batchSize;
        private readonly float[] _loss = new float[1];
        private readonly List<double[]> _samples = [];

        public Stepping(Gpt<float> model, AdamOptimizer<float> adam, IReadOnlyList<Fact> facts)
        {
            (_model, _adam, _facts) = (model, adam, facts);
            _tape = new Tape<float>(model.Device);
            _inputs = new GptInputs(model.Device, model.Config.VocabSize);
            _probeInputs = new GptInputs(model.Device, model.Config.VocabSize);
            _batchSize = Math.Min(Batch, facts.Count);
            _probe = _encoder.Encode(_probeInputs, facts, [], 0, Math.Min(ProbeRows, facts.Count));
        }

        public void Step(int s, bool record)
        {
            var device = _model.Device;
            var clock = Stopwatch.StartNew();
            var batch = _encoder.Encode(_inputs, _facts, [], (s * _batchSize) % Math.Max(1, _facts.Count - _batchSize + 1), _batchSize);
            _tape.Reset();
            _model.ZeroGrad();
            device.Synchronize();
            var t0 = clock.Elapsed.TotalMilliseconds;
            var output = _model.Forward(_tape, batch);
            device.Download(output.Loss!.Data, _loss);
            var t1 = clock.Elapsed.TotalMilliseconds;
            _tape.Backward(output.Loss!);
            device.Synchronize();
            var t2 = clock.Elapsed.TotalMilliseconds;
            _adam.Step();
            device.Synchronize();
            var t3 = clock.Elapsed.TotalMilliseconds;
            _tape.Reset();
            using (_tape.NoGrad())
            {
                var probed = _model.Forward(_tape, _probe);
                device.Download(probed.Loss!.Data, _loss);
            }
            var t4 = clock.Elapsed.TotalMilliseconds;
            if (record) _samples.Add([t0, t1 - t0, t2 - t1, t3 - t2, t4 - t3]);
        }

        public StepPhases Medians()
        {
            double Median(int i) => _samples.Select(x => x[i]).Order().ElementAt(_samples.Count / 2);
            return new StepPhases(Median(0), Median(1), Median(2), Median(3), Median(4));
        }

        public void Dispose()
        {
            _probeInputs.Dispose();
            _inputs.Dispose();
            _tape.Dispose();
        }
    }
}
