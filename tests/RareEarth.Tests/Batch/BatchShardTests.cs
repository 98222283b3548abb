using RareEarth.Runner.Batch;
using RareEarth.Runner.Store;

namespace RareEarth.Tests.Batch;

/// <summary>A batch split into shards (e.g. a Slurm array) and merged equals the batch run in one piece.</summary>
[Collection("batch")]
public class BatchShardTests
{
    [Fact]
    public void ShardsMergeIntoTheStoreOfTheWholeBatch()
    {
        var whole = BatchKit.RunSampled(DesignKind.Sobol, 4, 9, threads: 2, BatchKit.Short); // 4 x (8 + 2) = 40 runs
        var shards = new List<string>();
        for (int k = 0; k < 3; k++)
        {
            var db = BatchKit.TempDb($"shard{k}.duckdb");
            using var job = ShardJob(db, new BatchShard(k, 3));
            var outcome = job.Run(k % 2 + 1);
            Assert.True(outcome.Complete);
            Assert.Equal(job.Shard!.RunsIn(job.Plan), outcome.RanNow);
            Assert.All(job.Store.CompletedRuns(), i => Assert.Equal(k, job.Plan.Points[i] % 3)); // only its own design points
            Assert.Equal(0L, job.Store.Scalar<long>("SELECT count(*) FROM quantiles")); // a shard is not finished
            shards.Add(db);
        }
        var merged = BatchKit.TempDb("merged.duckdb");
        var result = BatchMerge.Merge(merged, shards);
        Assert.True(result.Complete);
        Assert.Equal(40, result.Stored);
        Assert.Equal(40, result.Copied.Sum(c => c.Runs));
        using var a = BatchStore.Open(whole, readOnly: true);
        using var b = BatchStore.Open(merged, readOnly: true);
        Assert.Equal(a.ContentHash(), b.ContentHash());
        Assert.Equal(a.Scalar<long>("SELECT count(*) FROM quantiles"), b.Scalar<long>("SELECT count(*) FROM quantiles"));
        Assert.Equal(3L, b.Scalar<long>("SELECT count(*) FROM sessions"));
        Assert.Null(b.ReadShard());
    }

    [Fact]
    public void AMissingShardIsRunByResumingTheMergedStore()
    {
        var whole = BatchKit.RunSampled(DesignKind.LatinHypercube, 10, 4, threads: 2, BatchKit.Short);
        var db0 = BatchKit.TempDb("shard0.duckdb");
        using (var job = ShardJob(db0, new BatchShard(0, 2), DesignKind.LatinHypercube, 10, 4)) Assert.True(job.Run(2).Complete);
        // resuming a shard store continues that shard only
        using (var again = BatchJob.Resume(db0))
        {
            Assert.Equal(new BatchShard(0, 2), again.Shard);
            Assert.Equal(0, again.Run(2).RanNow);
        }
        var merged = BatchKit.TempDb("merged.duckdb");
        var result = BatchMerge.Merge(merged, new[] { db0 }, allowIncomplete: true);
        Assert.False(result.Complete);
        Assert.Equal(5, result.Stored);
        using (var job = BatchJob.Resume(merged))
        {
            var outcome = job.Run(2);
            Assert.True(outcome.Complete);
            Assert.Equal(5, outcome.RanNow);
        }
        using var a = BatchStore.Open(whole, readOnly: true);
        using var b = BatchStore.Open(merged, readOnly: true);
        Assert.Equal(a.ContentHash(), b.ContentHash());

        // another batch (other master seed) is refused
        var other = BatchKit.RunSampled(DesignKind.LatinHypercube, 10, 5, threads: 2, BatchKit.Short);
        var ex = Assert.Throws<InvalidDataException>(() => BatchMerge.Merge(BatchKit.TempDb("bad.duckdb"), new[] { db0, other }));
        Assert.Contains("master seed", ex.Message);
    }

    [Fact]
    public void MergeRefusesAnIncompleteSetAndNamesTheMissingShards()
    {
        // shards 0, 2 and 3 of 4 run; shard 1 is not given and shard 3 loses two runs (a task killed midway)
        var shards = new Dictionary<int, string>();
        foreach (int k in new[] { 0, 2, 3 })
        {
            var db = BatchKit.TempDb($"shard{k}.duckdb");
            using (var job = ShardJob(db, new BatchShard(k, 4), DesignKind.LatinHypercube, 12, 3)) Assert.True(job.Run(2).Complete);
            shards[k] = db;
        }
        using (var store = BatchStore.Open(shards[3]))
        {
            var gone = store.Rows("SELECT run_index FROM runs ORDER BY run_index LIMIT 2").Select(r => (int)r[0]!).ToList();
            store.Exec($"DELETE FROM series_values WHERE run_index IN ({string.Join(",", gone)}); DELETE FROM runs WHERE run_index IN ({string.Join(",", gone)})");
        }
        var merged = BatchKit.TempDb("merged.duckdb");
        var ex = Assert.Throws<IncompleteBatchException>(() => BatchMerge.Merge(merged, shards.Values.ToList()));
        Assert.Equal(new[] { 1, 3 }, ex.MissingShards);
        Assert.Equal(4, ex.ShardCount);
        Assert.Contains("missing shards 1,3 of 4", ex.Message);
        Assert.Contains("shard 1: no runs (store not given)", ex.Message);
        Assert.Contains("shard 3: 1 of 3 runs (interrupted)", ex.Message);
        Assert.False(File.Exists(merged)); // nothing written

        // the command line: exit code 2, the missing shards named on one line
        var (exit, _, err) = RareEarth.Tests.Cli.CliProcess.Run(new[] { "merge", "--out", merged }.Concat(shards.Values).ToArray());
        Assert.Equal(2, exit);
        Assert.Contains("missing shards 1,3 of 4", err);
        Assert.False(File.Exists(merged));

        // --allow-incomplete merges what there is (7 of 12 runs)
        var partial = BatchMerge.Merge(merged, shards.Values.ToList(), allowIncomplete: true);
        Assert.False(partial.Complete);
        Assert.Equal(7, partial.Stored);
    }

    static BatchJob ShardJob(string db, BatchShard shard, DesignKind design = DesignKind.Sobol, int n = 4, int seed = 9)
    {
        var scenario = BatchScenario.Load(BatchKit.Controls, BatchKit.Short);
        var plan = BatchDesigns.Sampled(scenario, design, n, seed, "test");
        return BatchJob.Create(db, plan, scenario, shard);
    }
}
