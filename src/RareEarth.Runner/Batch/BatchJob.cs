using RareEarth.Runner.Output;
using RareEarth.Runner.Store;

namespace RareEarth.Runner.Batch;

/// <summary>A batch ready to run: its store, its plan, its scenario and what it keeps of each run.</summary>
public sealed class BatchJob : IDisposable
{
    public required BatchStore Store { get; init; }
    public required BatchPlan Plan { get; init; }
    public required BatchScenario Scenario { get; init; }
    public required BatchLayout Layout { get; init; }
    /// <summary>The part of the batch this store holds (null: all of it).</summary>
    public BatchShard? Shard { get; init; }

    public void Dispose() => Store.Dispose();

    /// <summary>Creates a new store for a planned batch.</summary>
    public static BatchJob Create(string dbPath, BatchPlan plan, BatchScenario scenario, BatchShard? shard = null)
    {
        var layout = BatchLayout.For(scenario.Nominal.Model);
        var store = BatchStore.Create(dbPath, plan, layout, shard);
        return new BatchJob { Store = store, Plan = plan, Scenario = scenario, Layout = layout, Shard = shard };
    }

    /// <summary>
    /// Opens an existing store to run what is missing: the plan (seeds, parameter values) and the resolved
    /// scenario come from the store, so the resumed runs are those the interrupted batch would have run.
    /// Refuses a store written by another engine version.
    /// </summary>
    public static BatchJob Resume(string dbPath)
    {
        var store = BatchStore.Open(dbPath);
        try
        {
            var plan = store.ReadPlan();
            if (plan.EngineVersion != EngineInfo.Version)
                throw new InvalidDataException($"{dbPath} was written by engine {plan.EngineVersion}; this is engine {EngineInfo.Version}. Resuming would mix results of two engines; start a new batch instead.");
            var scenario = BatchScenario.FromText(plan.ScenarioText, plan.ScenarioFile, plan.Overrides);
            if (scenario.Hash != plan.ScenarioHash)
                throw new InvalidDataException($"{dbPath}: the stored scenario text does not match its hash ({plan.ScenarioHash} vs {scenario.Hash})");
            var layout = BatchLayout.For(scenario.Nominal.Model);
            store.Attach(layout);
            return new BatchJob { Store = store, Plan = plan, Scenario = scenario, Layout = layout, Shard = store.ReadShard() };
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    public BatchOutcome Run(int threads, BatchProgress? progress = null, CancellationToken cancel = default, string? commandLine = null) =>
        BatchRunner.Run(Store, Plan, Scenario, Layout, threads, progress, cancel, commandLine, Shard);
}
