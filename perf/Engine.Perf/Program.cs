namespace Engine.Perf;

/// <summary>Benchmarks, one per first argument: <c>dotnet run -c Release --project perf/Engine.Perf -- gemm [--quick]</c>.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var rest = args.Length > 1 ? args[1..] : [];
        switch (args.Length > 0 ? args[0] : "")
        {
            case "gemm":
                return GemmBenchmark.Run(rest);
            case "step-alloc":
                return StepAllocationBenchmark.Run(rest);
            case "default-run":
                return DefaultRunBenchmark.Run(rest);
            case "adam":
                return AdamBandwidth.Run(rest);
            case "kernels":
                return KernelBenchmark.Run(rest);
            case "subnormal-gemm":
                return SubnormalGemmBenchmark.Run(rest);
            case "llm-pass":
                return LlmPassBenchmark.Run(rest);
            default:
                Console.Error.WriteLine("usage: Engine.Perf <benchmark> [options]");
                Console.Error.WriteLine("  gemm [--quick] [--cpu-time] [--only TEXT] [--shape m,n,k,tA,tB]");
                Console.Error.WriteLine("       FMA peak of one core, then the CPU GEMM at the model's shapes, 1 thread and all;");
                Console.Error.WriteLine("       --cpu-time times the 1-thread runs by thread CPU time (for a machine shared with other jobs)");
                Console.Error.WriteLine("  step-alloc");
                Console.Error.WriteLine("       managed bytes allocated per training step of the default model (target 0), and steps/s");
                Console.Error.WriteLine($"  {DefaultRunBenchmark.UsageLine}");
                Console.Error.WriteLine("       the README's main job with the model and optimiser flags: wall time, epoch rate of the first and last 100");
                Console.Error.WriteLine("       epochs (a comma list of weight decays runs back to back), the step's phases at the start and at the end of");
                Console.Error.WriteLine("       training, subnormals in the late state, Adam vs a memory reference, and the naive device's phases");
                Console.Error.WriteLine("  adam [--device cpu] [--weight-decay 0.01] [--width 128]");
                Console.Error.WriteLine("       the dense Adam step of the default model's parameter count vs a memory reference with the same traffic");
                Console.Error.WriteLine("  kernels [--device cuda[:i]|opencl[:i]|gpu-sim[:GROUP]|auto] [--gemm-size N] [--naive] [--quick]");
                Console.Error.WriteLine("       every GPU op at the model's shapes vs the copy bandwidth and FMA peak measured in the run, then an N³ GEMM");
                Console.Error.WriteLine($"  {SubnormalGemmBenchmark.UsageLine}");
                Console.Error.WriteLine("       a backward GEMM on normal and on underflowing inputs, cpu (flush-to-zero) vs cpu-ieee, interleaved");
                Console.Error.WriteLine("  llm-pass [--layers 2] [--tokens 60] [--positions 20] [--passes 3] [--device cpu] [--dir DIR]");
                Console.Error.WriteLine("       a random Gemma-2-2B-shaped bf16 model with N layers: upload time, analysis-pass time, peak RSS");
                return 2;
        }
    }
}
