using BenchmarkDotNet.Attributes;
using RareEarth.Engine;

namespace RareEarth.Benchmarks;

/// <summary>One month step and one full run of controls-2025 (2024-01..2035-12, 144 months).</summary>
[MemoryDiagnoser]
public class StepBenchmarks
{
    WorldState _state = null!;
    readonly NullRecorder _null = new();

    [GlobalSetup]
    public void Setup()
    {
        _state = new WorldState(Worlds.Controls2025(), 1);
        Simulation.Run(_state, _null); // warm every path once
        _state.Reset(1);
    }

    [Benchmark(Description = "one month step (controls-2025)")]
    public void MonthStep()
    {
        if (_state.Month >= _state.Model.Months) _state.Reset(1);
        Simulation.Step(_state);
    }

    [Benchmark(Description = "one full run, 144 months (controls-2025)")]
    public void FullRun()
    {
        _state.Reset(1);
        Simulation.Run(_state, _null);
    }
}

/// <summary>How one run's cost grows with firms, countries and months.</summary>
[MemoryDiagnoser]
public class ScalingBenchmarks
{
    [Params("firms x1", "firms x2", "firms x4", "countries x1", "countries x2", "countries x4", "months 144", "months 288", "months 576")]
    public string Size { get; set; } = "firms x1";

    WorldState _state = null!;
    readonly NullRecorder _null = new();

    [GlobalSetup]
    public void Setup()
    {
        var parts = Size.Split(' ');
        int n = int.Parse(parts[1].TrimStart('x'));
        var model = parts[0] switch
        {
            "firms" => Worlds.Scaled(n, 1, 144),
            "countries" => Worlds.Scaled(1, n, 144),
            _ => Worlds.Scaled(1, 1, n),
        };
        _state = new WorldState(model, 1);
        Simulation.Run(_state, _null);
    }

    [Benchmark(Description = "one full run")]
    public void Run()
    {
        _state.Reset(1);
        Simulation.Run(_state, _null);
    }
}

/// <summary>1,000 runs of controls-2025 across threads (engine only; one state per worker, seeds by index).</summary>
public class BatchBenchmarks
{
    [Params(1, 2)]
    public int Threads { get; set; }

    Model _model = null!;

    [GlobalSetup]
    public void Setup() => _model = Worlds.Controls2025();

    [Benchmark(Description = "1,000 runs (controls-2025)")]
    public double Batch1000()
    {
        var results = new double[1000];
        int perWorker = (1000 + Threads - 1) / Threads;
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, w =>
        {
            var state = new WorldState(_model, 0);
            var rec = new NullRecorder();
            for (int i = w * perWorker; i < Math.Min(1000, (w + 1) * perWorker); i++)
            {
                state.Reset(i + 1);
                Simulation.Run(state, rec);
                results[i] = state.Price[0];
            }
        });
        return results.Sum();
    }
}
