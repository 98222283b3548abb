using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/RareEarth.Benchmarks -- --filter '*'
// then the scaling chart of docs/performance.md:
// dotnet run -c Release --project benchmarks/RareEarth.Benchmarks -- --scaling-chart BenchmarkDotNet.Artifacts/results/RareEarth.Benchmarks.ScalingBenchmarks-report.csv docs/figures/performance
if (args.Length == 3 && args[0] == "--scaling-chart")
{
    Console.WriteLine("wrote " + RareEarth.Benchmarks.ScalingChart.Write(args[1], args[2]));
    return;
}
BenchmarkSwitcher.FromAssembly(typeof(RareEarth.Benchmarks.StepBenchmarks).Assembly).Run(args);
