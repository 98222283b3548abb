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
    /// The store is first read whole, read-only: one that is corrupt, not a store, or written by another engine
    /// version is refused (<see cref="InvalidDataException"/>) before anything is written to it.
    /// </summary>
    public static BatchJob Resume(string dbPath)
    {
        BatchPlan plan;
        BatchScenario scenario;
        BatchLayout layout;
        try
        {
            using var check = BatchStore.Open(dbPath, readOnly: true);
            plan = check.ReadPlan();
            check.ReadAll();
            if (plan.EngineVersion != EngineInfo.Version)
                throw new InvalidDataException($"{dbPath} was written by engine {plan.EngineVersion}; this is engine {EngineInfo.Version}. Resuming would mix results of two engines; start a new batch instead.");
            scenario = BatchScenario.FromText(plan.ScenarioText, plan.ScenarioFile, plan.Overrides);
            if (scenario.Hash != plan.ScenarioHash)
                throw new InvalidDataException($"{dbPath}: the stored scenario text does not match its hash ({plan.ScenarioHash} vs {scenario.Hash})");
            layout = BatchLayout.For(scenario.Nominal.Model);
            check.Attach(layout);
        }
        catch (DuckDB.NET.Data.DuckDBException e) when (!e.Message.Contains("Could not set lock", StringComparison.OrdinalIgnoreCase)) { throw Corrupt(dbPath, e); }
        BatchStore store;
        try { store = BatchStore.Open(dbPath); }
        catch (DuckDB.NET.Data.DuckDBException e) when (!e.Message.Contains("Could not set lock", StringComparison.OrdinalIgnoreCase)) { throw Corrupt(dbPath, e); }
        try
        {
            store.Attach(layout);
            return new BatchJob { Store = store, Plan = plan, Scenario = scenario, Layout = layout, Shard = store.ReadShard() };
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>The error for a store DuckDB cannot read: what it is and what to do, not "resume it".</summary>
    public static InvalidDataException Corrupt(string dbPath, Exception e) => new(
        $"{dbPath} is damaged and cannot be resumed ({e.Message.ReplaceLineEndings(" ")}). " +
        "Start the batch again with another --out (the same --seed gives the same runs)", e);

    public BatchOutcome Run(int threads, BatchProgress? progress = null, CancellationToken cancel = default, string? commandLine = null) =>
        BatchRunner.Run(Store, Plan, Scenario, Layout, threads, progress, cancel, commandLine, Shard);
}
