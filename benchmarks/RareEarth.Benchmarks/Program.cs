using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/RareEarth.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(RareEarth.Benchmarks.StepBenchmarks).Assembly).Run(args);
