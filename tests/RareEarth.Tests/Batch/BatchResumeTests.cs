using System.Diagnostics;
using System.Text.RegularExpressions;
using RareEarth.Runner.Batch;
using RareEarth.Runner.Store;
using RareEarth.Tests.Cli;

namespace RareEarth.Tests.Batch;

/// <summary>Nothing is lost and nothing is run twice when a batch process is killed and resumed.</summary>
[Collection("batch")]
public class BatchResumeTests
{
    const int Runs = 400, Seed = 7;

    [Fact]
    public void KilledBatchResumesToTheSameStoreAsAnUninterruptedOne()
    {
        var killed = BatchKit.TempDb("killed.duckdb");

        // 1. the real command line, killed (whole process tree) once the store holds some runs
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = TestPaths.Root };
        foreach (var arg in new[] { CliProcess.Dll, "batch", BatchKit.Controls, "--runs", $"{Runs}", "--seed", $"{Seed}", "--threads", "2", "--out", killed })
            psi.ArgumentList.Add(arg);
        var lines = new List<string>();
        using var stored = new ManualResetEventSlim();
        using (var p = Process.Start(psi)!)
        {
            p.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                lock (lines) lines.Add(e.Data);
                var m = Regex.Match(e.Data, @"\((\d+) stored\)");
                if (m.Success && int.Parse(m.Groups[1].Value) > 0) stored.Set();
            };
            p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (lines) lines.Add("stderr: " + e.Data); };
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            bool sawRuns = stored.Wait(TimeSpan.FromSeconds(90));
            Assert.False(p.HasExited, "the batch finished before it could be killed:\n" + string.Join("\n", lines));
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            Assert.True(sawRuns, "no progress line reported stored runs:\n" + string.Join("\n", lines));
        }
        Assert.Contains(lines, l => l.StartsWith("batch: ") && l.Contains("runs/s")); // plain progress lines when redirected

        int before;
        using (var store = BatchStore.Open(killed, readOnly: true))
        {
            before = store.CompletedRuns().Count;
            Assert.InRange(before, 1, Runs - 1);
            // a killed session never finished
            Assert.Equal(1L, store.Scalar<long>("SELECT count(*) FROM sessions WHERE finished_at IS NULL"));
            Assert.Equal(0L, store.Scalar<long>("SELECT count(*) FROM batch WHERE finished_at IS NOT NULL"));
            // only whole runs: each stored ok run has all its series
            long keys = store.Scalar<long>("SELECT count(*) FROM series_keys");
            Assert.Equal(store.Scalar<long>("SELECT count(*) FROM runs WHERE status = 'ok'") * keys, store.Scalar<long>("SELECT count(*) FROM series_values"));
        }

        // 2. resume: runs only the missing runs
        BatchOutcome outcome;
        using (var job = BatchJob.Resume(killed)) outcome = job.Run(2);
        Assert.True(outcome.Complete);
        Assert.Equal(before, outcome.DoneBefore);
        Assert.Equal(Runs - before, outcome.RanNow);

        // 3. the same batch, uninterrupted
        var whole = BatchKit.TempDb("whole.duckdb");
        using (var job = BatchKit.Sampled(whole, DesignKind.LatinHypercube, Runs, Seed)) Assert.True(job.Run(2).Complete);

        // resuming (again) a complete batch runs nothing
        using (var job = BatchJob.Resume(killed))
        {
            var again = job.Run(2);
            Assert.Equal(0, again.RanNow);
            Assert.True(again.Complete);
        }

        using var a = BatchStore.Open(killed, readOnly: true);
        using var b = BatchStore.Open(whole, readOnly: true);
        Assert.Equal(Runs, a.Scalar<int>("SELECT count(DISTINCT run_index) FROM runs"));
        Assert.Equal(Runs, a.Scalar<int>("SELECT count(*) FROM runs"));
        Assert.Equal(b.ContentHash(includeSeries: false), a.ContentHash(includeSeries: false));
        Assert.Equal(b.ContentHash(), a.ContentHash());
        Assert.Equal(3L, a.Scalar<long>("SELECT count(*) FROM sessions")); // killed, resumed, resumed again (nothing to do)
        Assert.Equal(new[] { 0, Runs - before, 0 }, a.Rows("SELECT runs_done FROM sessions ORDER BY session").Select(r => (int)r[0]!));
        Assert.Equal(1L, a.Scalar<long>("SELECT count(*) FROM batch WHERE finished_at IS NOT NULL"));
        Assert.Equal(b.Scalar<long>("SELECT count(*) FROM quantiles"), a.Scalar<long>("SELECT count(*) FROM quantiles"));
    }

    [Fact]
    public void ANewBatchRefusesAnExistingStoreAndResumeRefusesWhatIsNotAStore()
    {
        var db = BatchKit.RunSampled(DesignKind.MonteCarlo, 3, 1, 1, BatchKit.Short);
        Assert.Throws<IOException>(() => BatchKit.Sampled(db, DesignKind.MonteCarlo, 3, 1, BatchKit.Short));
        var (exit, _, err) = CliProcess.Run("batch", "--resume", Path.Combine(Path.GetDirectoryName(db)!, "nothing.duckdb"));
        Assert.Equal(2, exit);
        Assert.Contains("no such results store", err);
    }
}
