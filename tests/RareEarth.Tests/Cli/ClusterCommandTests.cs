using System.Diagnostics;
using RareEarth.Runner.Batch;
using RareEarth.Runner.Store;
using RareEarth.Tests.Batch;

namespace RareEarth.Tests.Cli;

/// <summary>
/// <c>cluster slurm --dry-run</c> (issue 11): the scripts it writes, run here by bash the way Slurm runs them (one
/// process per array index with SLURM_ARRAY_TASK_ID set, then the merge), give the store of the batch run whole; a
/// rerun of one index continues its store. The real Slurm test is .ci/slurm-test.sh.
/// </summary>
[Collection("batch")]
public class ClusterCommandTests
{
    [Fact]
    public void TheWrittenScriptsRunAsAnArrayAndTheMergeEqualsTheWholeBatch()
    {
        var dir = Path.Combine(CliProcess.TempDir(), "job");
        var (exit, stdout, stderr) = CliProcess.Run("cluster", "slurm", BatchKit.Controls, "--runs", "6", "--shards", "3", "--seed", "5",
                                                    "--set", BatchKit.Short[0], "--out", dir, "--time", "00:10:00", "--mem", "1G", "--partition", "short", "--dry-run");
        Assert.True(exit == 0, stderr);
        Assert.Contains("dry run: nothing submitted", stdout);
        Assert.Contains($"sbatch --parsable {dir}/shards.sbatch", stdout);
        var array = File.ReadAllText(Path.Combine(dir, "shards.sbatch"));
        var merge = File.ReadAllText(Path.Combine(dir, "merge.sbatch"));
        foreach (var line in new[] { "#SBATCH --array=0-2", "#SBATCH --time=00:10:00", "#SBATCH --mem=1G", "#SBATCH --partition=short", "#SBATCH --cpus-per-task=1", "shards=3" })
            Assert.Contains(line, array);
        Assert.Contains("merge --out all.duckdb shard-*.duckdb", merge);
        Assert.Contains("rareearth.dll", array); // run with `dotnet rareearth.dll`: the tasks run the same build
        Assert.True(Directory.Exists(Path.Combine(dir, "logs")));

        // Slurm's part played by bash: tasks 0 and 2, task 1 interrupted (its store lost a run), rerun, then the merge
        for (int k = 0; k < 3; k++) Assert.Equal(0, Bash(dir, "shards.sbatch", k).Exit);
        using (var store = BatchStore.Open(Path.Combine(dir, "shard-1.duckdb")))
            store.Exec("DELETE FROM series_values WHERE run_index = 1; DELETE FROM runs WHERE run_index = 1");
        var refused = Bash(dir, "merge.sbatch");
        Assert.Equal(2, refused.Exit);
        Assert.Contains("missing shard 1 of 3", refused.Err);
        var rerun = Bash(dir, "shards.sbatch", 1);
        Assert.Equal(0, rerun.Exit);
        Assert.Contains("resuming: 1 runs already stored, 1 to run", rerun.Out);
        Assert.Equal(0, Bash(dir, "merge.sbatch").Exit);

        var whole = BatchKit.TempDb();
        using (var job = BatchJob.Create(whole, BatchDesigns.Sampled(BatchScenario.Load(BatchKit.Controls, BatchKit.Short), DesignKind.LatinHypercube, 6, 5, "test"),
                                         BatchScenario.Load(BatchKit.Controls, BatchKit.Short)))
            Assert.True(job.Run(2).Complete);
        using var a = BatchStore.Open(whole, readOnly: true);
        using var b = BatchStore.Open(Path.Combine(dir, "all.duckdb"), readOnly: true);
        Assert.Equal(a.ContentHash(), b.ContentHash());

        // the folder of a submitted job is not overwritten
        (exit, _, stderr) = CliProcess.Run("cluster", "slurm", BatchKit.Controls, "--runs", "6", "--shards", "3", "--out", dir, "--dry-run");
        Assert.Equal(2, exit);
        Assert.Contains("already holds results stores", stderr);
    }

    [Fact]
    public void ImpossibleRequestsAreRefused()
    {
        var dir = Path.Combine(CliProcess.TempDir(), "job");
        var (exit, _, stderr) = CliProcess.Run("cluster", "slurm", BatchKit.Controls, "--runs", "4", "--shards", "5", "--out", dir, "--dry-run");
        Assert.Equal(2, exit);
        Assert.Contains("--shards must be 1 to --runs (4)", stderr);
        (exit, _, stderr) = CliProcess.Run("cluster", "slurm", BatchKit.Controls, "--runs", "4", "--shards", "2", "--out", dir + " x", "--dry-run");
        Assert.Equal(2, exit);
        Assert.Contains("no spaces", stderr);
        (exit, _, stderr) = CliProcess.Run("cluster", "slurm", BatchKit.Controls, "--runs", "4", "--shards", "2", "--out", dir, "--executable", "/nonexistent/rareearth", "--dry-run");
        Assert.Equal(2, exit);
        Assert.Contains("does not exist", stderr);
        Assert.False(Directory.Exists(dir));
    }

    /// <summary>Runs a written script with bash as Slurm would (array index in SLURM_ARRAY_TASK_ID).</summary>
    static (int Exit, string Out, string Err) Bash(string dir, string script, int? task = null)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
        psi.ArgumentList.Add(Path.Combine(dir, script));
        if (task is int k) { psi.Environment["SLURM_ARRAY_TASK_ID"] = k.ToString(); psi.Environment["SLURM_CPUS_PER_TASK"] = "1"; }
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException($"{script} did not finish in 120 s"); }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
