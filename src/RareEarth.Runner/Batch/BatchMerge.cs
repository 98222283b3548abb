using RareEarth.Runner.Store;

namespace RareEarth.Runner.Batch;

/// <summary>What <see cref="BatchMerge.Merge"/> did.</summary>
public sealed record MergeOutcome(int Planned, int Stored, IReadOnlyList<(string Store, int Runs)> Copied, bool Complete);

/// <summary>
/// Joins the stores of one batch's shards (or of any interrupted copies of it) into a new store. The inputs must be
/// the same batch: same resolved scenario, master seed, design, seeds and parameter values, same engine version.
/// When every planned run is present the merged store is finished (quantiles) and equals the store of the batch run
/// in one piece. An incomplete set (a shard not given, or a shard store that was interrupted) is refused with
/// <see cref="IncompleteBatchException"/>, naming the missing shards, unless <c>allowIncomplete</c>: then the merged
/// store holds what there is and <c>batch --resume</c> on it runs what is missing.
/// </summary>
public static class BatchMerge
{
    public static MergeOutcome Merge(string outPath, IReadOnlyList<string> inputs, bool allowIncomplete = false)
    {
        if (inputs.Count == 0) throw new ArgumentException("merge needs at least one store");
        BatchPlan? first = null;
        foreach (var path in inputs)
        {
            using var store = BatchStore.Open(path, readOnly: true);
            var plan = store.ReadPlan();
            if (first is null) { first = plan; continue; }
            var why = Difference(first, plan);
            if (why is not null)
                throw new InvalidDataException($"{path} is not a part of the same batch as {inputs[0]} ({why}); merge only the shards of one batch: " +
                                               "stores made with the same scenario file, --set, --runs, --design and --seed, by the same engine version");
        }
        if (File.Exists(outPath)) throw new IOException($"{outPath} already exists; choose another --out");
        if (!allowIncomplete && Missing(first!, inputs) is { } missing) throw missing;
        var scenario = BatchScenario.FromText(first!.ScenarioText, first.ScenarioFile, first.Overrides);
        var layout = BatchLayout.For(scenario.Nominal.Model);
        // built under a temporary name and moved into place when done: a failed merge leaves nothing behind
        var partial = outPath + ".merging";
        File.Delete(partial); File.Delete(partial + ".wal");
        var copied = new List<(string, int)>();
        int stored;
        try
        {
            using (var output = BatchStore.Create(partial, first, layout))
            {
                foreach (var path in inputs) copied.Add((path, output.ImportRuns(path)));
                stored = output.CompletedRuns().Count;
                if (stored == first.Runs) output.Finish();
                else output.Exec("CHECKPOINT");
            }
            File.Move(partial, outPath);
            if (File.Exists(partial + ".wal")) File.Move(partial + ".wal", outPath + ".wal");
        }
        catch
        {
            File.Delete(partial); File.Delete(partial + ".wal");
            throw;
        }
        return new MergeOutcome(first.Runs, stored, copied, stored == first.Runs);
    }

    /// <summary>
    /// Null when the stores together hold every planned run; otherwise the refusal, naming the missing shards (when
    /// the inputs are shards of one split: a shard is missing when any of its runs is absent) or counting the runs.
    /// </summary>
    static IncompleteBatchException? Missing(BatchPlan plan, IReadOnlyList<string> inputs)
    {
        var stored = new HashSet<int>();
        var counts = new HashSet<int>();
        bool allShards = true;
        foreach (var path in inputs)
        {
            using var store = BatchStore.Open(path, readOnly: true);
            stored.UnionWith(store.CompletedRuns());
            if (store.ReadShard() is { } shard) counts.Add(shard.Count); else allShards = false;
        }
        if (stored.Count == plan.Runs) return null;
        var absent = Enumerable.Range(0, plan.Runs).Where(i => !stored.Contains(i)).ToList();
        string rest = " Run what is missing (on Slurm: resubmit only those array tasks, sbatch --array=INDEXES shards.sbatch, " +
                      "see docs/cluster.md) and merge again; or merge with --allow-incomplete and run the rest with batch --resume on the merged store.";
        if (allShards && counts.Count == 1)
        {
            int n = counts.Single();
            var details = new List<string>();
            var indexes = new List<int>();
            for (int k = 0; k < n; k++)
            {
                var shard = new BatchShard(k, n);
                int planned = shard.RunsIn(plan);
                int have = Enumerable.Range(0, plan.Runs).Count(i => shard.Includes(plan, i) && stored.Contains(i));
                if (have == planned) continue;
                indexes.Add(k);
                details.Add(have == 0 ? $"shard {k}: no runs (store not given)" : $"shard {k}: {have} of {planned} runs (interrupted)");
            }
            return new IncompleteBatchException(indexes, n,
                $"incomplete set: {stored.Count} of the {plan.Runs} planned runs; missing shard{(indexes.Count == 1 ? "" : "s")} " +
                $"{string.Join(",", indexes)} of {n} ({string.Join("; ", details)}).{rest}");
        }
        return new IncompleteBatchException(Array.Empty<int>(), 0,
            $"incomplete set: {stored.Count} of the {plan.Runs} planned runs; missing runs {string.Join(",", absent.Take(20))}{(absent.Count > 20 ? ",..." : "")}.{rest}");
    }

    /// <summary>Why two plans are not the same batch, or null if they are.</summary>
    static string? Difference(BatchPlan a, BatchPlan b)
    {
        if (a.ScenarioHash != b.ScenarioHash) return $"scenario {a.ScenarioHash} vs {b.ScenarioHash}";
        if (a.EngineVersion != b.EngineVersion) return $"engine {a.EngineVersion} vs {b.EngineVersion}";
        if (a.MasterSeed != b.MasterSeed) return $"master seed {a.MasterSeed} vs {b.MasterSeed}";
        if (a.Design != b.Design || a.Runs != b.Runs || a.BaseSamples != b.BaseSamples || a.Replications != b.Replications)
            return $"design {DesignKinds.Name(a.Design)} with {a.Runs} runs vs {DesignKinds.Name(b.Design)} with {b.Runs} runs";
        if (!a.Parameters.Select(p => p.Name).SequenceEqual(b.Parameters.Select(p => p.Name))) return "different parameters";
        if (!a.Seeds.SequenceEqual(b.Seeds)) return "different seeds";
        for (int i = 0; i < a.Runs; i++)
            for (int k = 0; k < a.Parameters.Count; k++)
                if (a.Values[i, k] != b.Values[i, k]) return $"run {i} has other parameter values";
        return null;
    }
}

/// <summary>
/// <c>merge</c> refused an incomplete set of stores: <see cref="MissingShards"/> are the indexes (of
/// <see cref="ShardCount"/>) of the shards with runs missing, empty when the inputs are not shards of one split.
/// </summary>
public sealed class IncompleteBatchException(IReadOnlyList<int> missingShards, int shardCount, string message) : IOException(message)
{
    public IReadOnlyList<int> MissingShards { get; } = missingShards;
    public int ShardCount { get; } = shardCount;
}
