using System.Diagnostics;
using System.Security.Cryptography;
using RareEarth.Runner.Batch;
using RareEarth.Runner.Store;
using RareEarth.Tests.Cli;

namespace RareEarth.Tests.Batch;

/// <summary>
/// Results stores at the edges (issue 7, items 6 and 8): names and paths given to --out, limits on the size of a
/// batch, a store killed while it is created, a damaged store, a shard merged twice, an export that fails midway.
/// </summary>
[Collection("batch")]
public class StoreEdgeTests
{
    static string Controls => BatchKit.Controls;

    static string Hash(string file) => File.Exists(file) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file))) : "-";

    [Fact]
    public void AStoreNameWithSemicolonsWorksAndAFolderIsOneLine()
    {
        var cwd = CliProcess.TempDir();
        var (exit, _, err) = OutputSafetyTests.Cli(cwd, "batch", Controls, "--runs", "2", "--set", "end=2027-12", "--out", "a;b=1.duckdb", "--threads", "1");
        Assert.True(exit == 0, err);
        Assert.True(File.Exists(Path.Combine(cwd, "a;b=1.duckdb")));
        Directory.CreateDirectory(Path.Combine(cwd, "dir"));
        (exit, _, err) = OutputSafetyTests.Cli(cwd, "batch", Controls, "--runs", "2", "--set", "end=2027-12", "--out", "dir");
        Assert.Equal(2, exit);
        OutputSafetyTests.OneLineError(err, "is a folder");
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(cwd, "dir")));
    }

    [Theory]
    [InlineData("batch", "--runs", "1000000000", "at most 1,000,000 runs")]
    [InlineData("batch", "--runs", "200000", "--design", "sobol", "at most 1,000,000 runs")]
    [InlineData("sweep", "--param", "countries.JP.hoarding_gain=-70000000000000000000000000000:70000000000000000000000000000:1", "too many values")]
    [InlineData("sweep", "--param", "countries.JP.hoarding_gain=0:1e30:1", "out of range")]
    [InlineData("sweep", "--param", "countries.JP.hoarding_gain=0:1:0.00001", "at most 100,000")]
    [InlineData("sweep", "--param", "countries.JP.hoarding_gain=0:1:0.001", "--param", "countries.US.hoarding_gain=0:1:0.001", "at most 1,000,000 runs")]
    public void ABatchTooLargeToPlanIsRefusedAtOnce(params string[] args)
    {
        var cwd = CliProcess.TempDir();
        var clock = Stopwatch.StartNew();
        var (exit, _, err) = OutputSafetyTests.Cli(cwd, new[] { args[0], Controls }.Concat(args[1..^1]).Concat(new[] { "--out", "x.duckdb" }).ToArray());
        Assert.Equal(2, exit);
        OutputSafetyTests.OneLineError(err, args[^1]);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"{clock.Elapsed}");
        Assert.Empty(Directory.GetFileSystemEntries(cwd));
    }

    [Fact]
    public void ABatchKilledWhileItsStoreIsCreatedLeavesNoStore()
    {
        var cwd = CliProcess.TempDir();
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Environment.GetEnvironmentVariable("RAREEARTH_DLL") ?? CliProcess.Dll, "batch", Controls, "--runs", "20000", "--out", "b.duckdb", "--threads", "1" })
            psi.ArgumentList.Add(a);
        using (var p = Process.Start(psi)!)
        {
            var clock = Stopwatch.StartNew();
            while (Directory.GetFiles(cwd).Length == 0 && !p.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(5);
            p.Kill();
            p.WaitForExit();
        }
        Assert.False(File.Exists(Path.Combine(cwd, "b.duckdb")), "a store at its final name, from a creation that never finished");
        // the same command again simply works, and removes the temporary file of the killed one
        var (exit, _, err) = OutputSafetyTests.Cli(cwd, "batch", Controls, "--runs", "2", "--set", "end=2027-12", "--out", "b.duckdb", "--threads", "1");
        Assert.True(exit == 0, err);
        Assert.Equal(new[] { "b.duckdb" }, Directory.GetFiles(cwd).Select(Path.GetFileName));
    }

    [Fact]
    public void ResumingADamagedStoreSaysSoAndWritesNothing()
    {
        var db = BatchKit.TempDb();
        using (var job = BatchKit.Sampled(db, DesignKind.LatinHypercube, 6, 1, "end=2027-12")) Assert.True(job.Run(1).Complete);
        using (var f = new FileStream(db, FileMode.Open, FileAccess.Write))
        {
            f.Position = 3 * 4096 + 64; // past DuckDB's headers: every data block is overwritten
            var junk = new byte[f.Length - f.Position];
            new Random(1).NextBytes(junk);
            f.Write(junk);
        }
        string before = Hash(db) + Hash(db + ".wal");
        var (exit, _, err) = CliProcess.Run("batch", "--resume", db);
        Assert.Equal(2, exit);
        OutputSafetyTests.OneLineError(err, "is damaged");
        Assert.Contains("Start the batch again", err);
        Assert.DoesNotContain("--resume", err);
        Assert.Equal(before, Hash(db) + Hash(db + ".wal"));
    }

    [Fact]
    public void MergingAShardTwiceCopiesItsRunsAndSessionsOnce()
    {
        var scenario = BatchScenario.Load(Controls, BatchKit.Short);
        var plan = BatchDesigns.Sampled(scenario, DesignKind.LatinHypercube, 4, 3, "test");
        var shards = new List<string>();
        for (int k = 0; k < 2; k++)
        {
            var db = BatchKit.TempDb($"s{k}.duckdb");
            using var job = BatchJob.Create(db, plan, scenario, new BatchShard(k, 2));
            Assert.True(job.Run(1).Complete);
            shards.Add(db);
        }
        var copy = BatchKit.TempDb("s0-copy.duckdb");
        File.Copy(shards[0], copy);
        var merged = BatchKit.TempDb("all.duckdb");
        var result = BatchMerge.Merge(merged, new[] { shards[0], shards[1], shards[0], copy });
        Assert.True(result.Complete);
        using var store = BatchStore.Open(merged, readOnly: true);
        Assert.Equal(4L, store.Scalar<long>("SELECT count(*) FROM runs"));
        Assert.Equal(2L, store.Scalar<long>("SELECT count(*) FROM sessions"));
        Assert.Equal(4L * store.Scalar<long>("SELECT count(*) FROM series_keys"), store.Scalar<long>("SELECT count(*) FROM series_values"));
        Assert.Equal(0L, store.Scalar<long>("SELECT count(*) - count(DISTINCT (run_index, name)) FROM run_parameters"));
    }

    [Fact]
    public void AnExportThatFailsLeavesNoPartialSetAndTheUsersFilesStay()
    {
        var db = BatchKit.TempDb();
        using (var job = BatchKit.Sampled(db, DesignKind.LatinHypercube, 3, 1, "end=2027-12")) Assert.True(job.Run(1).Complete);
        var top = Path.GetDirectoryName(db)!;
        var dir = Path.Combine(top, "export");
        Assert.Equal(0, CliProcess.Run("export", db, "--format", "csv", "--out", dir).Exit);
        var before = OutputSafetyTests.Snapshot(dir);
        using (var store = BatchStore.Open(db, readOnly: true))
        {
            // the disk fills (or any write fails) after the first tables: a file in the way of the fourth one
            var staging = Path.Combine(top, $".export.rareearth-staging-{Environment.ProcessId}");
            Directory.CreateDirectory(staging);
            Directory.CreateDirectory(Path.Combine(staging, "design.csv"));
            Assert.ThrowsAny<IOException>(() => store.Export(dir, "csv"));
        }
        Assert.Equal(before, OutputSafetyTests.Snapshot(dir));
        Assert.Empty(Directory.GetFileSystemEntries(top, ".*"));
        // a folder of the user's is refused, and with --force only the export's files are written there
        var mine = Directory.CreateDirectory(Path.Combine(top, "mine")).FullName;
        File.WriteAllText(Path.Combine(mine, "notes.txt"), "keep");
        var (exit, _, err) = CliProcess.Run("export", db, "--out", mine);
        Assert.Equal(2, exit);
        OutputSafetyTests.OneLineError(err, "notes.txt");
        (exit, _, err) = CliProcess.Run("export", db, "--out", mine, "--force");
        Assert.True(exit == 0, err);
        Assert.Equal("keep", File.ReadAllText(Path.Combine(mine, "notes.txt")));
        Assert.True(File.Exists(Path.Combine(mine, "runs.parquet")));
    }
}
