using Engine.Kernels;
using Engine.Model;
using Engine.Train.Config;
using Engine.Train.Grid;
using Engine.Train.Training;
using NUnit.Framework;

namespace Engine.Train.Tests.Grid;

/// <summary>The <c>--jobs</c> default and the per-run memory estimate it rests on.</summary>
[TestFixture]
[Category("Grid")]
public class GridJobsTests
{
    private const long GiB = 1L << 30;

    // A small run whose estimate is worked out by hand below: V = 6 + 20 + 1 = 27, C = 16, L = 1, H = 1.
    private static readonly RunSettings Small = new() { Entities = 6, Relations = 20, Width = 16, Depth = 1, Heads = 1, Batch = 16 };

    [TestCase(10, 10000, 128, 1, false, false)]
    [TestCase(6, 20, 16, 2, true, false)]
    [TestCase(8, 200, 32, 3, false, true)]
    public void ParameterCountMatchesTheModelsParameterStore(int entities, int relations, int width, int depth, bool tied, bool attentionOnly)
    {
        var settings = new RunSettings
        {
            Entities = entities,
            Relations = relations,
            Width = width,
            Depth = depth,
            Heads = 2,
            Tied = tied,
            AttentionOnly = attentionOnly,
        };
        using var device = Device.Open("cpu:1");
        using var model = new Gpt<float>(new GptConfig(entities + relations + 1, width, depth, 2, tied, attentionOnly, 100), device, 1);
        Assert.That(RunMemory.ParameterCount(settings), Is.EqualTo(model.Parameters.ParameterCount));
    }

    [Test]
    public void TheDefaultRunHasTheParameterCountTheReadmeQuotes() =>
        Assert.That(RunMemory.ParameterCount(new RunSettings()), Is.EqualTo(2 * 10011 * 128 + 12 * 128 * 128 + 13 * 128 + 2 * 128).And.EqualTo(2_761_344));

    [Test]
    public void EstimateOfASmallRunByHand()
    {
        // P = 2·27·16 + (12·16² + 13·16) + 2·16 = 864 + 3280 + 32 = 4176; four copies = 16704 floats.
        // A(R) = R·3·(16 + 21·16 + 1·3) + 27·R = 1092·R; training 2·A(16) = 34944 < probing A(256) = 279552;
        // the arena may hold it twice: 559104 floats. (16704 + 559104)·4 bytes + the 64 MiB allowance.
        Assert.That(RunMemory.ParameterCount(Small), Is.EqualTo(4176));
        Assert.That(RunMemory.EstimateBytes(Small), Is.EqualTo((16704 + 559104) * 4L + (64L << 20)));
    }

    [Test]
    public void TrainingActivationsDominateWithLargeBatches()
    {
        // With batch 1024 training's 2·A(1024) = 2·1092·1024 = 2236416 exceeds probing's A(256) = 279552.
        Assert.That(RunMemory.EstimateBytes(Small with { Batch = 1024 }), Is.EqualTo((16704 + 2 * 2236416) * 4L + (64L << 20)));
    }

    [TestCase(80 * GiB, GiB, 16, 8)]  // 60 fit, 16 cores: the cap of 8
    [TestCase(8 * GiB, GiB, 16, 6)]   // ⌊0.75·8⌋ = 6 fit
    [TestCase(8 * GiB, GiB, 2, 2)]    // 6 fit, but only 2 cores to drive them
    [TestCase(4 * GiB, 3 * GiB, 16, 1)] // ⌊0.75·4/3⌋ = 1
    [TestCase(GiB, 2 * GiB, 16, 1)]   // none fits: still 1 (the run reports the shortage itself)
    [TestCase(0L, GiB, 16, 1)]        // unknown memory
    public void OnAGpuAsManyRunsAsFitBoundedByCoresAndEight(long memory, long run, int cores, int expected) =>
        Assert.That(GridJobs.OnGpu(memory, run, cores), Is.EqualTo(expected));

    [Test]
    public void UnknownGpuMemoryMeansOneRun() => Assert.That(GridJobs.OnGpu(null, GiB, 16), Is.EqualTo(1));

    [TestCase(16, 1, 16)]
    [TestCase(16, 3, 5)]
    [TestCase(2, 4, 1)]
    public void OnTheCpuCoresPerThreadsPerRun(int cores, int threads, int expected) =>
        Assert.That(GridJobs.Default("cpu", [Small], threads, cores, _ => throw new AssertionException("no memory lookup on the CPU")),
            Is.EqualTo(expected));

    [Test]
    public void OnAGpuTheLargestRunOfTheGridDecides()
    {
        var large = Small with { Width = 512, Depth = 4, Relations = 10000 };
        Assert.That(RunMemory.EstimateBytes(large), Is.GreaterThan(RunMemory.EstimateBytes(Small)));
        // Memory for exactly three of the large runs within the usable share (and for far more of the small ones).
        var memory = (long)Math.Ceiling(3 * RunMemory.EstimateBytes(large) / GridJobs.UsableMemoryShare);
        var asked = new List<string>();
        var jobs = GridJobs.Default("cuda:0", [Small, large, Small], threadsPerRun: 1, cores: 16, d =>
        {
            asked.Add(d);
            return memory;
        });
        Assert.That(jobs, Is.EqualTo(3));
        Assert.That(asked, Is.EqualTo(new[] { "cuda:0" }));
        Assert.That(GridJobs.Default("opencl:1", [Small], 1, 16, _ => memory), Is.EqualTo(8));
    }
}
