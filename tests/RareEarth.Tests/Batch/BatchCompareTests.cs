using System.Text.RegularExpressions;
using RareEarth.Analysis;
using RareEarth.Reporting;
using RareEarth.Runner.Batch;
using RareEarth.Runner.Store;
using RareEarth.Tests.Cli;

namespace RareEarth.Tests.Batch;

/// <summary>Policy A against policy B, from two stores.</summary>
[Collection("batch")]
public class BatchCompareTests
{
    [Fact]
    public void PairedBatchesAreComparedRunByRun()
    {
        var a = BatchKit.RunSampled(DesignKind.LatinHypercube, 8, 3, threads: 2, BatchKit.Short);
        var b = BatchKit.RunSampled(DesignKind.LatinHypercube, 8, 3, threads: 2, "end=2027-12", "events.1.approval=0.1"); // much slower approvals from June 2025 (at 0.4 the magnet shortage is absorbed in many runs)
        var dir = Path.Combine(Path.GetDirectoryName(a)!, "compare");
        CompareResult result;
        using (var sa = BatchStore.Open(a, readOnly: true))
        using (var sb = BatchStore.Open(b, readOnly: true))
        {
            result = BatchCompare.Write(sa, sb, dir, "fast approvals", "slow approvals");
            Assert.True(result.Paired);
            // the difference is taken run by run: its median is the median of B(i) - A(i)
            // (the US: Japan's magnet users are served first by Japanese makers; the US imports most of its magnets)
            var m = result.Metrics.Single(x => x.Name == "shortage_months_US_ndfeb_magnet");
            var va = sa.Rows("SELECT shortage_months_US_ndfeb_magnet FROM runs ORDER BY run_index").Select(r => (double)r[0]!).ToArray();
            var vb = sb.Rows("SELECT shortage_months_US_ndfeb_magnet FROM runs ORDER BY run_index").Select(r => (double)r[0]!).ToArray();
            var d = vb.Zip(va, (y, x) => y - x).ToArray();
            Assert.Equal(Percentiles.Quantiles(d, new[] { 0.05, 0.5, 0.95 }), m.Difference);
            Assert.Equal(8, m.Pairs);
            Assert.True(m.Difference[1] > 0, "slower approvals should lengthen the US magnet shortage");
        }
        var md = File.ReadAllText(result.ReportPath);
        Assert.Contains("run by run (common random numbers)", md);
        Assert.Contains("| `peak_price_multiple_dy_oxide_ROW` | x baseline |", md);
        foreach (var stem in new[] { "compare_costs", "compare_price_dy_oxide_ROW", "compare_shortage_share_ndfeb_magnet_JP", "compare_china_share_ndfeb_magnet_US" })
            Assert.Contains($"](charts/{stem}.png)", md);
        var links = Regex.Matches(md, @"\]\((charts/[^)]+\.png)\)").Select(x => x.Groups[1].Value).ToList();
        Assert.All(links, l => Assert.True(new FileInfo(Path.Combine(dir, l)).Length > 10_000, l));

        // a batch against itself: every difference is zero
        using (var s1 = BatchStore.Open(a, readOnly: true))
        using (var s2 = BatchStore.Open(a, readOnly: true))
        {
            var self = BatchCompare.Write(s1, s2, Path.Combine(Path.GetDirectoryName(a)!, "self"), "A", "A");
            Assert.All(self.Metrics.Where(x => !double.IsNaN(x.Difference[1])), x => Assert.Equal(new double[] { 0, 0, 0 }, x.Difference));
        }
    }

    [Fact]
    public void UnpairedBatchesAndTheCommandLine()
    {
        var a = BatchKit.RunSampled(DesignKind.LatinHypercube, 6, 3, threads: 2, BatchKit.Short);
        var b = BatchKit.RunSampled(DesignKind.MonteCarlo, 6, 4, threads: 2, BatchKit.Short);
        var dir = Path.Combine(Path.GetDirectoryName(a)!, "cmp");
        var (exit, stdout, err) = CliProcess.Run("compare", a, b, "--out", dir, "--name-a", "lhs", "--name-b", "mc");
        Assert.True(exit == 0, err);
        Assert.Contains("unpaired batches", stdout);
        var md = File.ReadAllText(Path.Combine(dir, "compare.md"));
        Assert.Contains("# lhs against mc", md);
        Assert.Contains("difference of the two distributions' quantiles", md);
        // another calendar is refused with a clear error
        var other = BatchKit.RunSampled(DesignKind.LatinHypercube, 4, 3, threads: 2, "end=2026-12");
        var (exit2, _, err2) = CliProcess.Run("compare", a, other, "--out", Path.Combine(dir, "x"));
        Assert.Equal(2, exit2);
        Assert.Contains("different horizons", err2);
    }
}
