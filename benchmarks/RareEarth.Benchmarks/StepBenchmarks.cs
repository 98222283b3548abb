using BenchmarkDotNet.Attributes;
using RareEarth.Engine;
using RareEarth.Runner.Batch;

namespace RareEarth.Benchmarks;

/// <summary>One month step and one full run of controls-2025 (2024-01..2035-12, 144 months).</summary>
[MemoryDiagnoser]
public class StepBenchmarks
{
    WorldState _state = null!, _counterfactual = null!;
    readonly NullRecorder _null = new();
    readonly RareEarth.Runner.Recording.CountryTotals _totals = new(), _cfTotals = new();

    [GlobalSetup]
    public void Setup()
    {
        _state = new WorldState(Worlds.Controls2025(), 1);
        _counterfactual = new WorldState(_state.Model, 1) { Counterfactual = true };
        Simulation.Run(_state, _null); // warm every path once
        Simulation.Run(_counterfactual, _null);
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

    [Benchmark(Description = "one run and its counterfactual, with per-country totals and the cost account (controls-2025)")]
    public double RunWithCounterfactual()
    {
        _state.Reset(1);
        _counterfactual.Reset(1);
        Simulation.RunPaired(_state, _totals, _counterfactual, _cfTotals); // as a batch runs them: shared months once
        return RareEarth.Runner.Output.CounterfactualBuilder.NetCost(_totals, _cfTotals, 0);
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

/// <summary>
/// 1,000 runs of controls-2025 on 1 and 2 threads, two ways: the engine alone (nominal model, one state per
/// worker thread, seeds by index), and a real batch as <c>batch --runs 1000 --design lhs</c> does it: sampled
/// parameters compiled per run, metrics and series recorded and written to a new DuckDB store, quantiles computed.
/// </summary>
[MemoryDiagnoser]
public class BatchBenchmarks
{
    [Params(1, 2)]
    public int Threads { get; set; }

    Model _model = null!;
    BatchScenario _scenario = null!;
    BatchPlan _plan = null!;
    string _dir = null!;

    [GlobalSetup]
    public void Setup()
    {
        _model = Worlds.Controls2025();
        _scenario = BatchScenario.Load(Path.Combine(Worlds.Root, "scenarios", "controls-2025.yaml"), Array.Empty<string>());
        _plan = BatchDesigns.Sampled(_scenario, DesignKind.LatinHypercube, 1000, 1, "benchmark");
        _dir = Directory.CreateTempSubdirectory("rareearth-bench").FullName;
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    [Benchmark(Description = "1,000 runs, engine only (controls-2025)")]
    public double EngineOnly()
    {
        var results = new double[1000];
        var workers = new Thread[Threads];
        for (int w = 0; w < Threads; w++)
        {
            int first = w;
            workers[w] = new Thread(() =>
            {
                var state = new WorldState(_model, 0);
                var rec = new NullRecorder();
                for (int i = first; i < 1000; i += Threads)
                {
                    state.Reset(i + 1);
                    Simulation.Run(state, rec);
                    results[i] = state.Price[0];
                }
            });
            workers[w].Start();
        }
        foreach (var t in workers) t.Join();
        return results.Sum();
    }

    [Benchmark(Description = "1,000 runs, batch into a DuckDB store (controls-2025, lhs)")]
    public int BatchToStore()
    {
        var db = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".duckdb");
        using var job = BatchJob.Create(db, _plan, _scenario);
        var outcome = job.Run(Threads);
        if (!outcome.Complete || outcome.FailedNow > 0) throw new InvalidOperationException("the benchmark batch did not complete");
        return outcome.RanNow;
    }
}
