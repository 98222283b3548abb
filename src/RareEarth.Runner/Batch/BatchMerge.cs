using RareEarth.Runner.Store;

namespace RareEarth.Runner.Batch;

/// <summary>What <see cref="BatchMerge.Merge"/> did.</summary>
public sealed record MergeOutcome(int Planned, int Stored, IReadOnlyList<(string Store, int Runs)> Copied, bool Complete);

/// <summary>
/// Joins the stores of one batch's shards (or of any interrupted copies of it) into a new store. The inputs must be
/// the same batch: same resolved scenario, master seed, design, seeds and parameter values, same engine version.
/// When every planned run is present the merged store is finished (quantiles) and equals the store of the batch run
/// in one piece; otherwise <c>batch --resume</c> on it runs what is missing.
/// </summary>
public static class BatchMerge
{
    public static MergeOutcome Merge(string outPath, IReadOnlyList<string> inputs)
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
