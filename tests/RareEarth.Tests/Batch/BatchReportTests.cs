using System.Text.RegularExpressions;
using DuckDB.NET.Data;
using RareEarth.Reporting;
using RareEarth.Runner.Batch;
using RareEarth.Runner.Store;
using RareEarth.Tests.Cli;

namespace RareEarth.Tests.Batch;

/// <summary>Reports and exports are made from the store alone.</summary>
[Collection("batch")]
public class BatchReportTests
{
    [Fact]
    public void SobolReportHasFanChartsIndicesAndAPrimBoxWithWorkingLinks()
    {
        var db = BatchKit.RunSampled(DesignKind.Sobol, 16, 2, 2, BatchKit.Short.Append("events.1.approval=0.4").ToArray()); // 16 x (8 + 2) = 160 runs; slower June approvals, so that importers run short
        var dir = Path.Combine(Path.GetDirectoryName(db)!, "report");
        BatchReportResult result;
        using (var store = BatchStore.Open(db, readOnly: true))
            result = BatchReport.Write(store, dir, "shortage_months_US_ndfeb_magnet >= 7 OR \"countries.JP.hoarding_gain\" > 2.0");
        var md = File.ReadAllText(result.ReportPath);
        Assert.Contains("## Sobol indices", md);
        Assert.Contains("## Scenario discovery (PRIM)", md);
        Assert.Contains("| `countries.JP.hoarding_gain` |", md);
        foreach (var stem in new[] { "fan_price_dy_oxide_ROW", "fan_price_ndfeb_magnet_ROW", "fan_shortage_JP_ndfeb_magnet", "fan_china_share_US_dy_oxide", "prim_box" })
            Assert.Contains($"](charts/{stem}.png)", md);
        Assert.Contains("](charts/sobol_peak_price_multiple_ndfeb_magnet_ROW.png)", md);
        // every link resolves to a file that was written
        var links = Regex.Matches(md, @"\]\((charts/[^)]+\.png)\)").Select(m => m.Groups[1].Value).ToList();
        Assert.True(links.Count >= 20, $"{links.Count} chart links");
        Assert.All(links, l => Assert.True(new FileInfo(Path.Combine(dir, l)).Length > 10_000, l));

        // Sobol: with June approvals at 0.4, the outside magnet peak is driven by how readily buyers turn away from magnets
        // (behaviour.substitution_elasticity, sampled 0.1-0.5: willingness to pay) or by the April approval rate; indices within their bounds
        var (_, peak) = result.Sobol.Single(s => s.Output == "peak_price_multiple_ndfeb_magnet_ROW");
        Assert.Equal(RareEarth.Analysis.SobolStatus.Ok, peak.Status);
        var top = peak.Indices.MaxBy(i => i.ST)!;
        // events.0.approval, firms.us_magnets.unit_cost (the US maker is the marginal magnet supplier of the pool outside
        // China once cut-off importers trade in their own markets), behaviour.substitution_elasticity
        Assert.Contains(top.Parameter, new[] { 0, 4, 6 });
        Assert.All(peak.Indices, i => Assert.True(i.STLow <= i.ST && i.ST <= i.STHigh));
        // PRIM: the box restricts the hoarding gain (part of the condition) and is denser in cases than the batch
        Assert.NotNull(result.Box);
        Assert.Contains(result.Box!.Limits, l => l.Name == "countries.JP.hoarding_gain");
        Assert.True(result.Box.Density > result.Box.BaseDensity);
    }

    /// <summary>Writes the report of a store next to it; returns report.md's text and the report folder.</summary>
    static (string Md, string Dir) ReportOf(string db)
    {
        var dir = Path.Combine(Path.GetDirectoryName(db)!, "report");
        using var store = BatchStore.Open(db, readOnly: true);
        return (File.ReadAllText(BatchReport.Write(store, dir, null).ReportPath), dir);
    }

    [Fact]
    public void SampledBatchReportHasFirstOrderIndicesFromTheSample()
    {
        var db = BatchKit.RunSampled(DesignKind.LatinHypercube, 120, 6, threads: 2, BatchKit.Short);
        var (md, dir) = ReportOf(db);
        Assert.Contains("## Sensitivity: first-order indices from the sample", md);
        Assert.DoesNotContain("## Sobol indices", md);
        Assert.Contains("](charts/first_order_peak_price_multiple_ndfeb_magnet_ROW.png)", md);
        Assert.True(new FileInfo(Path.Combine(dir, "charts", "first_order_peak_price_multiple_ndfeb_magnet_ROW.png")).Length > 10_000);
        // as with the Saltelli design: the April approval rate drives the magnet price peak
        var section = md[md.IndexOf("### `peak_price_multiple_ndfeb_magnet_ROW`", StringComparison.Ordinal)..];
        var firstRow = section.Split('\n').First(l => l.StartsWith("| `", StringComparison.Ordinal));
        Assert.StartsWith("| `events.0.approval` |", firstRow);
    }

    [Fact]
    public void SweepReportChartsTheOutcomesAgainstTheSweptParameters()
    {
        var scenario = BatchScenario.Load(BatchKit.Controls, BatchKit.Short);
        var plan = BatchDesigns.Sweep(scenario, new[] { SweepAxis.Parse("countries.JP.hoarding_gain=0:3:1.5"), SweepAxis.Parse("events.0.approval=0.1:0.5:0.4") }, 2, 1, "test");
        var db = BatchKit.TempDb();
        using (var job = BatchJob.Create(db, plan, scenario)) Assert.True(job.Run(2).Complete);
        var (md, dir) = ReportOf(db);
        Assert.Contains("## Response to the swept parameters", md);
        Assert.Contains("one line per value of `events.0.approval`", md);
        foreach (var stem in new[] { "sweep_peak_price_multiple_dy_oxide_ROW", "sweep_shortage_share_JP_ndfeb_magnet", "sweep_total_cost_usd_CN", "sweep_lost_export_revenue_usd_CN" })
        {
            Assert.Contains($"](charts/{stem}.png)", md);
            Assert.True(new FileInfo(Path.Combine(dir, "charts", stem + ".png")).Length > 10_000, stem);
        }
        // the table: one row per grid point (3 x 2), in grid order, and its medians are those of the runs
        var rows = md.Split('\n').SkipWhile(l => !l.StartsWith("| `countries.JP.hoarding_gain` | `events.0.approval` |")).Skip(2).TakeWhile(l => l.StartsWith("| ")).ToList();
        Assert.Equal(6, rows.Count);
        Assert.StartsWith("| 0 | 0.1 |", rows[0]);
        Assert.StartsWith("| 3 | 0.5 |", rows[5]);
        using (var store = BatchStore.Open(db, readOnly: true))
        {
            double median = store.Scalar<double>("SELECT median(peak_price_multiple_dy_oxide_ROW) FROM runs_wide WHERE \"countries.JP.hoarding_gain\" = 3 AND \"events.0.approval\" = 0.5");
            Assert.Equal(median.ToString("G4", System.Globalization.CultureInfo.InvariantCulture), rows[5].Split('|', StringSplitOptions.TrimEntries)[3]);
        }
    }

    [Fact]
    public void ReportAndExportFromTheCommandLine()
    {
        var scenario = BatchScenario.Load(BatchKit.Controls, BatchKit.Short);
        var plan = BatchDesigns.Sweep(scenario, new[] { SweepAxis.Parse("countries.JP.hoarding_gain=1:3:1") }, 4, 1, "test");
        var db = BatchKit.TempDb();
        using (var job = BatchJob.Create(db, plan, scenario)) Assert.True(job.Run(2).Complete);

        var reportDir = Path.Combine(Path.GetDirectoryName(db)!, "rep");
        var (exit, stdout, err) = CliProcess.Run("report", db, "--out", reportDir);
        Assert.True(exit == 0, err);
        Assert.Contains("report.md", stdout);
        var md = File.ReadAllText(Path.Combine(reportDir, "report.md"));
        Assert.Contains("sweep: 3 grid points x 4 replications = 12 runs", md);
        Assert.DoesNotContain("## Sobol indices", md); // only for sobol designs
        Assert.Contains("default: the top 20%", md);
        Assert.True(File.Exists(Path.Combine(reportDir, "charts", "fan_price_ndfeb_magnet_ROW.png")));

        var (bad, _, badErr) = CliProcess.Run("report", db, "--out", reportDir, "--where", "no_such_column > 1");
        Assert.Equal(2, bad);
        Assert.Contains("shortage_months_JP_ndfeb_magnet", badErr); // lists the columns one can use

        foreach (var format in new[] { "csv", "parquet" })
        {
            var outDir = Path.Combine(Path.GetDirectoryName(db)!, format);
            var (code, _, e) = CliProcess.Run("export", db, "--format", format, "--out", outDir);
            Assert.True(code == 0, e);
            foreach (var t in BatchStore.ExportTables) Assert.True(File.Exists(Path.Combine(outDir, $"{t}.{format}")), t);
        }
        var runsCsv = File.ReadAllLines(Path.Combine(Path.GetDirectoryName(db)!, "csv", "runs.csv"));
        Assert.Equal(13, runsCsv.Length);
        Assert.StartsWith("run_index,seed,status,error,peak_price_multiple_", runsCsv[0]);
        using var c = new DuckDBConnection("Data Source=:memory:");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT count(*), count(DISTINCT run_index), min(month) FROM '{Path.Combine(Path.GetDirectoryName(db)!, "parquet", "series.parquet")}'";
        using var r = cmd.ExecuteReader();
        r.Read();
        using var store = BatchStore.Open(db, readOnly: true);
        Assert.Equal(store.Scalar<long>("SELECT count(*) FROM series"), r.GetInt64(0));
        Assert.Equal(12L, r.GetInt64(1));
        Assert.Equal(new DateOnly(2024, 1, 1), r.GetFieldValue<DateOnly>(2));
    }
}
