using System.Globalization;
using System.Text;
using RareEarth.Analysis;
using RareEarth.Runner.Batch;
using RareEarth.Runner.Store;

namespace RareEarth.Reporting;

public sealed record BatchReportResult(string ReportPath, IReadOnlyList<string> Charts, IReadOnlyList<string> Warnings, PrimBox? Box, IReadOnlyList<(string Output, SobolResult Result)> Sobol);

/// <summary>
/// The report of a batch, from its results store alone (nothing is re-run): report.md with
/// <list type="bullet">
/// <item>the batch (scenario, design, seeds, runs stored and failed) and its parameters;</item>
/// <item>the distribution of every summary metric over the ok runs;</item>
/// <item>fan charts (median, 25-75% and 5-95% bands per month) of ROW prices of the key materials, and of the
/// shortage share and direct China share of each importer of the focus materials;</item>
/// <item>for a sobol design: first- and total-order Sobol indices with 95% bootstrap intervals (table and bar chart)
/// for peak price multiples, shortage months and decoupling times;</item>
/// <item>a PRIM box (table and chart) for the cases of interest: <c>--where</c>, a SQL condition on runs_wide, or by
/// default the top 20% of the first focus material's peak ROW price multiple.</item>
/// </list>
/// </summary>
public static class BatchReport
{
    internal static readonly string[] PriceMaterials = { "dy_oxide", "tb_oxide", "ndfeb_magnet", "ndpr_oxide" };
    public const int BootstrapResamples = 1000;

    public static BatchReportResult Write(BatchStore store, string dir, string? where = null)
    {
        // a condition the user wrote is checked first (one expression, nothing written yet) and runs on the store
        // confined: no file, COPY or second statement can get in through it (ConfinedQuery)
        string? whereSql = string.IsNullOrWhiteSpace(where) ? null : ConfinedQuery.Condition(store, where, "runs_wide");
        var plan = store.ReadPlan();
        var charts = new List<string>();
        var warnings = new List<string>();
        var chartDir = Path.Combine(dir, "charts");
        Directory.CreateDirectory(chartDir);
        var md = new StringBuilder();

        var meta = store.Rows("SELECT started_at, finished_at, start_month, months, shock_month FROM batch")[0];
        var start = (DateOnly)meta[2]!;
        int months = (int)meta[3]!;
        var shockDate = meta[4] as DateOnly?;
        int shock = shockDate is { } sd ? (sd.Year * 12 + sd.Month) - (start.Year * 12 + start.Month) : 0;
        var counts = store.Rows("SELECT count(*), count(*) FILTER (WHERE status = 'ok'), count(*) FILTER (WHERE status = 'failed') FROM runs")[0];
        long stored = (long)counts[0]!, ok = (long)counts[1]!, failed = (long)counts[2]!;
        var metrics = store.Rows("SELECT name, kind, material, country, unit, description FROM metrics ORDER BY rowid")
            .Select(r => new MetricRow((string)r[0]!, (string)r[1]!, r[2] as string, r[3] as string, (string)r[4]!, (string)r[5]!)).ToList();

        md.AppendLine($"# Batch report: {plan.ScenarioName}");
        md.AppendLine();
        md.AppendLine("| | |");
        md.AppendLine("| --- | --- |");
        md.AppendLine($"| scenario | `{plan.ScenarioFile}` (hash {plan.ScenarioHash}){(plan.Overrides.Count > 0 ? ", " + string.Join(" ", plan.Overrides.Select(o => $"`--set {o}`")) : "")} |");
        md.AppendLine($"| design | {DesignText(plan)} |");
        md.AppendLine($"| master seed | {plan.MasterSeed} |");
        md.AppendLine($"| runs | {stored} of {plan.Runs} stored: {ok} ok, {failed} failed{(stored < plan.Runs ? " - **incomplete batch**: resume with `batch --resume`" : "")} |");
        md.AppendLine($"| horizon | {start:yyyy-MM} to {start.AddMonths(months - 1):yyyy-MM}, shock {(shockDate is { } s2 ? s2.ToString("yyyy-MM", CultureInfo.InvariantCulture) : "none")} |");
        md.AppendLine($"| engine | {plan.EngineVersion} |");
        md.AppendLine($"| started / finished (UTC) | {Fmt(meta[0])} / {Fmt(meta[1])} |");
        md.AppendLine($"| command | `{plan.CommandLine}` |");
        md.AppendLine();
        if (stored < plan.Runs) warnings.Add($"the batch is incomplete ({stored} of {plan.Runs} runs); the report covers the stored runs");

        if (plan.Parameters.Count > 0)
        {
            md.AppendLine("## Parameters");
            md.AppendLine();
            md.AppendLine("| parameter | distribution | a | b | c | d | nominal |");
            md.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
            foreach (var p in plan.Parameters)
                md.AppendLine($"| `{p.Name}` | {p.Distribution} | {G(p.A)} | {G(p.B)} | {G(p.C)} | {G(p.D)} | {G(p.Nominal)} |");
            md.AppendLine();
            md.AppendLine("normal: a = mean, b = sd; lognormal: a = mu, b = sigma; uniform: a = min, b = max; triangular: a = min, b = max, c = mode; " +
                          "beta: a = alpha, b = beta on [c, d]; grid: a = from, b = to, c = step, d = points.");
            md.AppendLine();
        }
        if (failed > 0)
        {
            md.AppendLine("## Failed runs");
            md.AppendLine();
            foreach (var r in store.Rows("SELECT run_index, error FROM runs WHERE status = 'failed' ORDER BY run_index LIMIT 10"))
                md.AppendLine($"- run {r[0]}: {r[1]}");
            if (failed > 10) md.AppendLine($"- ... {failed - 10} more (`SELECT run_index, error FROM runs WHERE status = 'failed'`)");
            md.AppendLine();
        }

        // ---- summary metrics
        if (ok > 0 && metrics.Count > 0)
        {
            md.AppendLine("## Summary metrics over the ok runs");
            md.AppendLine();
            md.AppendLine("| metric | unit | p05 | median | p95 | mean | runs with a value |");
            md.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
            var sql = "SELECT " + string.Join(", ", metrics.Select(m =>
                $"count({BatchStore.Q(m.Name)}), avg({BatchStore.Q(m.Name)}), quantile_cont({BatchStore.Q(m.Name)}, [0.05, 0.5, 0.95])")) +
                " FROM runs WHERE status = 'ok'";
            var row = store.Rows(sql)[0];
            for (int k = 0; k < metrics.Count; k++)
            {
                long n = (long)row[3 * k]!;
                var q = n > 0 ? ((System.Collections.IEnumerable)row[3 * k + 2]!).Cast<object?>().Select(x => x is double d ? d : double.NaN).ToArray() : new[] { double.NaN, double.NaN, double.NaN };
                md.AppendLine($"| `{metrics[k].Name}` | {metrics[k].Unit} | {G(q[0])} | {G(q[1])} | {G(q[2])} | {G(row[3 * k + 1] as double? ?? double.NaN)} | {n} |");
            }
            md.AppendLine();
            md.AppendLine("Definitions are those of summary.json (docs/results.md); each metric's description is in the store's `metrics` table. " +
                          "Decoupling months are missing (not counted) where the share did not stay below 50% within the horizon.");
            md.AppendLine();
        }

        // ---- fan charts
        if (ok > 0)
        {
            md.AppendLine("## Over time: median, 25-75% and 5-95% of the runs");
            md.AppendLine();
            var (fans, zero) = FanCharts(store, metrics, start, months, shockDate, (int)ok, chartDir, charts);
            foreach (var (title, png) in fans) md.AppendLine($"![{title}](charts/{Path.GetFileName(png)})");
            md.AppendLine();
            if (zero.Count > 0)
            {
                md.AppendLine($"Not drawn, because they are zero in every run and every month: {string.Join("; ", zero)}.");
                md.AppendLine();
            }
        }

        // ---- sweep: how the outcomes respond to the swept parameters
        if (plan.Design == DesignKind.Sweep && ok > 0 && plan.Parameters.Count > 0)
            SweepResponse(store, plan, metrics, chartDir, charts, md);

        // ---- Sobol
        var sobolResults = new List<(string, SobolResult)>();
        if (plan.Design == DesignKind.Sobol && ok > 0)
        {
            md.AppendLine("## Sobol indices");
            md.AppendLine();
            md.AppendLine($"Saltelli design with N = {plan.BaseSamples} base samples and d = {plan.Parameters.Count} parameters ({plan.Runs} runs). The engine's seed is one more input: A_j and every AB_ij share seed j, B_j has its own, so 1 - sum(S1) includes the engine's own randomness. " +
                          $"First order S1 (Saltelli 2010), total order ST (Jansen 1999), 95% percentile-bootstrap intervals from {BootstrapResamples} resamples of the index rows. " +
                          $"Index rows with a failed or missing run are dropped. A decoupling time not reached within the horizon counts as {months - shock} months (the horizon after the shock).");
            md.AppendLine();
            Sobol(store, plan, metrics, months - shock, chartDir, charts, md, sobolResults, warnings);
        }

        // ---- first-order sensitivity from the sample (Monte Carlo, Latin hypercube)
        if (plan.Design is DesignKind.MonteCarlo or DesignKind.LatinHypercube && plan.Parameters.Count > 0 && ok >= 100)
        {
            md.AppendLine("## Sensitivity: first-order indices from the sample");
            md.AppendLine();
            md.AppendLine($"First-order Sobol indices S1 = Var(E[Y | X_i]) / Var(Y), estimated from this batch's own runs by binning each parameter into equal-count bins " +
                          $"(correlation ratio with small-sample correction; Plischke 2010), 95% bias-corrected bootstrap intervals from {BootstrapResamples} resamples of the runs. " +
                          $"The engine's seed is part of the residual variance. Total-order indices and interactions need a Saltelli design: `batch --design sobol`. " +
                          $"A decoupling time not reached within the horizon counts as {months - shock} months.");
            md.AppendLine();
            FirstOrder(store, plan, metrics, months - shock, chartDir, charts, md);
        }

        // ---- PRIM
        PrimBox? box = null;
        if (ok > 0)
        {
            md.AppendLine("## Scenario discovery (PRIM)");
            md.AppendLine();
            box = Prim(store, plan, metrics, where, whereSql, chartDir, charts, md, warnings);
        }

        md.AppendLine("## Reproducing a run");
        md.AppendLine();
        md.AppendLine("Every run is reproduced alone by the command stored with it (`SELECT reproduce FROM design WHERE run_index = i`), e.g. run 0:");
        md.AppendLine();
        md.AppendLine($"    rareearth {plan.ReproduceCommand(0)}");
        md.AppendLine();

        var reportPath = Path.Combine(dir, "report.md");
        File.WriteAllText(reportPath, md.ToString());
        HtmlMarkdown.WriteNextTo(reportPath); // the same report as one self-contained HTML file
        return new BatchReportResult(reportPath, charts, warnings, box, sobolResults);
    }

    sealed record MetricRow(string Name, string Kind, string? Material, string? Country, string Unit, string Description);

    /// <summary>The metrics a sweep report charts against the swept parameters: the headline outcomes, at most eight.</summary>
    static List<MetricRow> KeyMetrics(List<MetricRow> metrics)
    {
        var focus = metrics.Where(m => m.Kind == "ShortageShare").Select(m => m.Material).Distinct().ToList();
        var key = new List<MetricRow>();
        key.AddRange(metrics.Where(m => m.Kind == "PeakPriceMultiple" && focus.Contains(m.Material)));
        key.AddRange(metrics.Where(m => m.Kind == "ShortageShare" && m.Material == focus.FirstOrDefault() && m.Country is "JP" or "US" or "EU"));
        key.AddRange(metrics.Where(m => m.Kind == "TotalCost" && m.Country is "CN" or "JP"));
        key.AddRange(metrics.Where(m => m.Kind == "LostExportRevenue"));
        return key.Take(8).ToList();
    }

    /// <summary>
    /// For a sweep: each key metric against the first swept parameter (one line per value of the second, if any),
    /// median over the replications with a 5-95% band, and a table of the medians.
    /// </summary>
    static void SweepResponse(BatchStore store, BatchPlan plan, List<MetricRow> metrics, string chartDir, List<string> charts, StringBuilder md)
    {
        var key = KeyMetrics(metrics);
        if (key.Count == 0) return;
        var xName = plan.Parameters[0].Name;
        var gName = plan.Parameters.Count > 1 ? plan.Parameters[1].Name : null;
        string x = BatchStore.Q(xName), g = gName is null ? "0" : BatchStore.Q(gName);
        md.AppendLine("## Response to the swept parameters");
        md.AppendLine();
        md.AppendLine($"Median over the {plan.Replications} replication{(plan.Replications == 1 ? "" : "s")} at each grid point, with the 5-95% range as a band" +
                      (gName is null ? "" : $"; one line per value of `{gName}`") +
                      (plan.Parameters.Count > 2 ? $"; the other swept parameters are pooled" : "") + ".");
        md.AppendLine();
        foreach (var m in key)
        {
            var c = BatchStore.Q(m.Name);
            var rows = store.Rows($"SELECT {x}, {g}, median({c}), quantile_cont({c}, 0.05), quantile_cont({c}, 0.95) FROM runs_wide " +
                                  $"WHERE status = 'ok' AND {c} IS NOT NULL GROUP BY ALL ORDER BY 2, 1");
            if (rows.Count == 0) continue;
            var (title, scale, unit) = MetricChartText(m);
            var lines = rows.GroupBy(r => Convert.ToDouble(r[1], CultureInfo.InvariantCulture)).Take(8).Select(grp =>
            {
                var list = grp.ToList();
                double[] Col(int k) => list.Select(r => r[k] is null ? double.NaN : (k >= 2 ? scale : 1) * Convert.ToDouble(r[k], CultureInfo.InvariantCulture)).ToArray();
                string label = gName is null ? "median (band: 5-95%)" : $"{gName} = {G(grp.Key)}";
                return new SweepLine(label, Col(0), Col(2), Col(3), Col(4));
            }).ToList();
            var png = BatchCharts.SweepResponse(chartDir, BatchLayout.Col("sweep", m.Name), $"{title} against {xName}", xName, $"{m.Name} ({unit})", lines, unit);
            charts.Add(png);
            md.AppendLine($"![{title} against {xName}](charts/{Path.GetFileName(png)})");
        }
        md.AppendLine();
        // the student's table: what changes as the slider moves
        var cols = string.Join(", ", key.Select(m => $"median({BatchStore.Q(m.Name)})"));
        var table = store.Rows($"SELECT {x}, {g}, {cols} FROM runs_wide WHERE status = 'ok' GROUP BY ALL ORDER BY 2, 1");
        md.AppendLine($"| `{xName}` |{(gName is null ? "" : $" `{gName}` |")} {string.Join(" | ", key.Select(m => $"{m.Name} ({m.Unit})"))} |");
        md.AppendLine($"| --- |{(gName is null ? "" : " --- |")} {string.Join(" | ", key.Select(_ => "---"))} |");
        foreach (var r in table)
        {
            string Cell(object? v) => v is null ? "" : G(Convert.ToDouble(v, CultureInfo.InvariantCulture));
            md.AppendLine($"| {Cell(r[0])} |{(gName is null ? "" : $" {Cell(r[1])} |")} {string.Join(" | ", r.Skip(2).Select(Cell))} |");
        }
        md.AppendLine();
    }

    /// <summary>
    /// A chart's words for a summary metric, from its definition: a title a reader understands, the factor that turns
    /// the stored value into the plotted one (shares become percentages) and the plotted unit.
    /// </summary>
    public static (string Title, double Scale, string Unit) MetricChartText(string kind, string? material, string? country, string unit, string description)
    {
        string who = string.Join(" ", new[] { country, material }.Where(x => !string.IsNullOrEmpty(x)));
        return kind switch
        {
            nameof(MetricKind.PeakPriceMultiple) => ($"Peak {material} price {(country is null ? "" : "in " + country + " ")}after the shock", 1, "× pre-shock"),
            nameof(MetricKind.ShortageShare) => ($"{who}: demand left unmet over the horizon", 100, "%"),
            nameof(MetricKind.ShortageMonths) => ($"{who}: months with more than 1% of demand unmet", 1, "months"),
            nameof(MetricKind.DecouplingMonths50) => ($"{who}: months until the China share stays below 50%", 1, "months"),
            nameof(MetricKind.TotalCost) => ($"Cost of the confrontation to {country}", 1, unit),
            nameof(MetricKind.LostExportRevenue) => ($"Export revenue {country} loses", 1, unit),
            _ => (description.Length > 0 ? description : kind, unit == "share" ? 100 : 1, unit == "share" ? "%" : unit),
        };
    }

    static (string Title, double Scale, string Unit) MetricChartText(MetricRow m) => MetricChartText(m.Kind, m.Material, m.Country, m.Unit, m.Description);

    static string DesignText(BatchPlan p) => p.Design switch
    {
        DesignKind.Sobol => $"sobol (Saltelli): N = {p.BaseSamples}, d = {p.Parameters.Count}, N·(d+2) = {p.Runs} runs",
        DesignKind.Sweep => $"sweep: {p.BaseSamples} grid points x {p.Replications} replications = {p.Runs} runs",
        DesignKind.MonteCarlo => $"Monte Carlo, {p.Runs} runs",
        _ => $"Latin hypercube, {p.Runs} runs",
    };

    // ------------------------------------------------------------------ fan charts

    /// <summary>
    /// Per stored series (metric, material, country): p05, p25, p50, p75, p95 by month (NaN where no run has a value).
    /// From the quantiles table once the batch has finished; otherwise computed from the stored series.
    /// </summary>
    internal static Dictionary<(string Metric, string Material, string Country), double[][]> Bands(BatchStore store, DateOnly start, int months)
    {
        bool finished = store.Scalar<long>("SELECT count(*) FROM batch WHERE finished_at IS NOT NULL") == 1 && store.Scalar<long>("SELECT count(*) FROM quantiles") > 0;
        var rows = finished
            ? store.Rows("SELECT month, metric, material, country, p05, p25, p50, p75, p95 FROM quantiles")
            : store.Rows($"SELECT month, metric, material, country, p05, p25, p50, p75, p95 FROM ({store.QuantileSql("TRUE")})");
        var bands = new Dictionary<(string Metric, string Material, string Country), double[][]>();
        foreach (var r in rows)
        {
            var key = ((string)r[1]!, (string)r[2]!, (string)r[3]!);
            if (!bands.TryGetValue(key, out var b))
            {
                b = Enumerable.Range(0, 5).Select(_ => Enumerable.Repeat(double.NaN, months).ToArray()).ToArray();
                bands[key] = b;
            }
            var d = (DateOnly)r[0]!;
            int t = (d.Year * 12 + d.Month) - (start.Year * 12 + start.Month);
            if (t < 0 || t >= months) continue;
            for (int q = 0; q < 5; q++) b[q][t] = r[4 + q] as double? ?? double.NaN;
        }
        return bands;
    }

    /// <summary>A fan (median with 25-75% and 5-95% bands) for a time chart.</summary>
    internal static ChartSeries FanSeries(string label, double[][] b, int color, bool dashed = false, double scale = 1)
    {
        var sc = b.Select(a => a.Select(v => v * scale).ToArray()).ToArray();
        return new ChartSeries(label, sc[2], dashed, sc[0], sc[4], sc[1], sc[3], color);
    }

    /// <summary>True when a fan has no value other than zero: a chart of it would say nothing.</summary>
    public static bool AllZero(double[][] bands) => bands.All(b => b.All(v => !double.IsFinite(v) || v == 0));

    /// <summary>The month index of a date from the start of the horizon (null for none).</summary>
    internal static int? MonthIndex(DateOnly start, DateOnly? date) =>
        date is { } d ? (d.Year * 12 + d.Month) - (start.Year * 12 + start.Month) : null;

    /// <summary>The fan charts drawn (title, PNG), and the titles of those left out because they are zero throughout.</summary>
    static (List<(string Title, string Png)> Drawn, List<string> Zero) FanCharts(BatchStore store, List<MetricRow> metrics, DateOnly start, int months, DateOnly? shock, int ok,
        string chartDir, List<string> charts)
    {
        var bands = Bands(store, start, months);
        var zero = new List<string>();
        int? shockMonth = MonthIndex(start, shock);
        string note = $"month; {ok} runs";
        var outside = metrics.Where(m => m.Kind == nameof(MetricKind.PeakPriceMultiple)).Select(m => m.Country).FirstOrDefault() ?? "ROW";
        var result = new List<(string, string)>();

        void Fan(string stem, string title, string ylabel, (string, string, string) key, double scale, double? reference)
        {
            if (!bands.TryGetValue(key, out var b)) return;
            if (AllZero(b)) { zero.Add(title); return; }
            var chart = new TimeChart(stem, title, ylabel, start.Year, start.Month, new[] { FanSeries("median (bands: 25-75%, 5-95%)", b, 0, scale: scale) }, reference, note) { ShockMonth = shockMonth };
            var png = ChartRenderer.Render(chart, chartDir);
            charts.Add(png);
            result.Add((title, png));
        }

        var priceMaterials = PriceMaterials.Where(m => bands.ContainsKey(("price", m, outside))).ToList();
        if (priceMaterials.Count == 0) priceMaterials = bands.Keys.Where(k => k.Metric == "price" && k.Country == outside).Select(k => k.Material).ToList();
        foreach (var mat in priceMaterials)
        {
            // both price regions on one chart: the split between the outside and the domestic price, with its uncertainty
            var inside = bands.Keys.Where(k => k.Metric == "price" && k.Material == mat && k.Country != outside).Select(k => k.Country).FirstOrDefault();
            if (inside is null) { Fan(BatchLayout.Col("fan_price", mat, outside), $"{mat} price, {outside}", "USD/kg", ("price", mat, outside), 1, null); continue; }
            var o = bands[("price", mat, outside)];
            var i = bands[("price", mat, inside)];
            var chart = new TimeChart(BatchLayout.Col("fan_price", mat, outside), $"{mat} price: {outside} (solid) and {inside} domestic (dashed)", "USD/kg",
                start.Year, start.Month, new[]
                {
                    FanSeries($"{outside}: median (bands: 25-75%, 5-95%)", o, 0),
                    FanSeries($"{inside}: median (bands: 25-75%, 5-95%)", i, 1, dashed: true),
                }, null, note) { ShockMonth = shockMonth };
            var png = ChartRenderer.Render(chart, chartDir);
            charts.Add(png);
            result.Add((chart.Title, png));
        }
        foreach (var key in bands.Keys.Where(k => k.Metric == "shortage_share").OrderBy(k => k.Material).ThenBy(k => k.Country))
            Fan(BatchLayout.Col("fan_shortage", key.Country, key.Material), $"{key.Country} {key.Material}: shortage (unmet demand)", "% of demand", key, 100, null);
        foreach (var key in bands.Keys.Where(k => k.Metric == "china_share").OrderBy(k => k.Material).ThenBy(k => k.Country))
            Fan(BatchLayout.Col("fan_china_share", key.Country, key.Material), $"{key.Country} {key.Material}: direct share of supply from China", "% of supply acquired", key, 100, 50);
        return (result, zero);
    }

    // ------------------------------------------------------------------ Sobol

    static void Sobol(BatchStore store, BatchPlan plan, List<MetricRow> metrics, int censored, string chartDir, List<string> charts,
        StringBuilder md, List<(string, SobolResult)> results, List<string> warnings)
    {
        var outputs = SensitivityOutputs(store, metrics);
        int n = plan.BaseSamples, d = plan.Parameters.Count;
        int seed = BatchSeeds.Bootstrap(plan.MasterSeed);
        foreach (var o in outputs)
        {
            var y = OutputValues(store, plan, o, censored);
            var res = RareEarth.Analysis.Sobol.Analyze(y, n, d, BootstrapResamples, seed);
            results.Add((o.Name, res));
            md.AppendLine($"### `{o.Name}` ({o.Unit})");
            md.AppendLine();
            if (res.Status != SobolStatus.Ok)
            {
                md.AppendLine(res.Status == SobolStatus.ZeroVariance
                    ? "The output does not vary across the runs: no indices."
                    : $"Too few complete index rows ({res.UsedRows} of {res.N}): no indices.");
                md.AppendLine();
                continue;
            }
            md.AppendLine($"Variance {G(res.Variance)}; {res.UsedRows} of {res.N} index rows used.");
            md.AppendLine();
            md.AppendLine("| parameter | S1 | 95% interval | ST | 95% interval |");
            md.AppendLine("| --- | --- | --- | --- | --- |");
            var bars = new List<SobolBar>();
            foreach (var ix in res.Indices.OrderByDescending(i => i.ST))
            {
                var name = plan.Parameters[ix.Parameter].Name;
                md.AppendLine($"| `{name}` | {F(ix.S1)} | [{F(ix.S1Low)}, {F(ix.S1High)}] | {F(ix.ST)} | [{F(ix.STLow)}, {F(ix.STHigh)}] |");
                bars.Add(new SobolBar(name, ix.S1, ix.S1Low, ix.S1High, ix.ST, ix.STLow, ix.STHigh));
            }
            var png = BatchCharts.SobolBars(chartDir, BatchLayout.Col("sobol", o.Name), $"Sobol indices: {o.Name}", bars);
            charts.Add(png);
            md.AppendLine();
            md.AppendLine($"![Sobol indices of {o.Name}](charts/{Path.GetFileName(png)})");
            md.AppendLine();
        }
        if (outputs.Count == 0) warnings.Add("no summary metric suitable for Sobol indices");
    }

    /// <summary>The summary metrics sensitivity is computed for: the focus materials' peak price multiples, the key importers' shortage months, decoupling times.</summary>
    static List<MetricRow> SensitivityOutputs(BatchStore store, List<MetricRow> metrics)
    {
        var focus = store.Rows("SELECT DISTINCT material FROM series_keys WHERE metric = 'shortage_share'").Select(r => (string)r[0]!).ToHashSet();
        var key = metrics.Where(m => m.Kind == nameof(MetricKind.DecouplingMonths50)).Select(m => m.Country!).ToHashSet();
        return metrics.Where(m =>
            (m.Kind == nameof(MetricKind.PeakPriceMultiple) && m.Material is { } mat && focus.Contains(mat)) ||
            (m.Kind == nameof(MetricKind.ShortageMonths) && m.Country is { } c && key.Contains(c)) ||
            m.Kind == nameof(MetricKind.DecouplingMonths50)).ToList();
    }

    /// <summary>One output per planned run (NaN for failed or missing runs); a decoupling time not reached counts as <paramref name="censored"/>.</summary>
    static double[] OutputValues(BatchStore store, BatchPlan plan, MetricRow o, int censored)
    {
        var y = Enumerable.Repeat(double.NaN, plan.Runs).ToArray();
        bool decoupling = o.Kind == nameof(MetricKind.DecouplingMonths50);
        foreach (var r in store.Rows($"SELECT run_index, {BatchStore.Q(o.Name)} FROM runs WHERE status = 'ok'"))
            y[(int)r[0]!] = r[1] as double? ?? (decoupling ? censored : double.NaN);
        return y;
    }

    /// <summary>
    /// Monte Carlo and Latin hypercube batches: first-order indices estimated from the sample itself
    /// (<see cref="FirstOrderSensitivity"/>); total-order indices need --design sobol.
    /// </summary>
    static void FirstOrder(BatchStore store, BatchPlan plan, List<MetricRow> metrics, int censored, string chartDir, List<string> charts, StringBuilder md)
    {
        int d = plan.Parameters.Count;
        var x = new double[plan.Runs, d];
        for (int i = 0; i < plan.Runs; i++) for (int k = 0; k < d; k++) x[i, k] = plan.Values[i, k];
        int seed = BatchSeeds.Bootstrap(plan.MasterSeed);
        foreach (var o in SensitivityOutputs(store, metrics))
        {
            var y = OutputValues(store, plan, o, censored);
            md.AppendLine($"### `{o.Name}` ({o.Unit})");
            md.AppendLine();
            var finite = y.Where(double.IsFinite).ToArray();
            if (finite.Length < 100 || finite.Max() == finite.Min())
            {
                md.AppendLine(finite.Length < 100 ? $"Too few ok runs ({finite.Length}; at least 100): no indices." : "The output does not vary across the runs: no indices.");
                md.AppendLine();
                continue;
            }
            var ix = FirstOrderSensitivity.Analyze(x, y, BootstrapResamples, seed);
            md.AppendLine("| parameter | S1 | 95% interval |");
            md.AppendLine("| --- | --- | --- |");
            foreach (var i in ix.OrderByDescending(i => i.S1)) md.AppendLine($"| `{plan.Parameters[i.Parameter].Name}` | {F(i.S1)} | [{F(i.Low)}, {F(i.High)}] |");
            var ordered = ix.OrderByDescending(i => i.S1).ToList();
            var png = BatchCharts.GroupedBars(chartDir, BatchLayout.Col("first_order", o.Name), $"First-order sensitivity: {o.Name}", "S1 (95% bootstrap interval)",
                ordered.Select(i => BatchCharts.Wrap(plan.Parameters[i.Parameter].Name)).ToList(), new[] { "first order S1 (from the sample)" },
                new[] { ordered.Select(i => new[] { i.Low, i.S1, i.High }).ToList() }, yRange: (0, 1.05));
            charts.Add(png);
            md.AppendLine();
            md.AppendLine($"![First-order indices of {o.Name}](charts/{Path.GetFileName(png)})");
            md.AppendLine();
        }
    }

    // ------------------------------------------------------------------ PRIM

    static PrimBox? Prim(BatchStore store, BatchPlan plan, List<MetricRow> metrics, string? where, string? whereSql, string chartDir, List<string> charts,
        StringBuilder md, List<string> warnings)
    {
        int d = plan.Parameters.Count;
        if (d == 0)
        {
            md.AppendLine("No parameters were varied: nothing to discover.");
            md.AppendLine();
            return null;
        }
        string condition, described;
        if (whereSql is not null) { condition = whereSql; described = $"`{where}`"; }
        else
        {
            var focus = store.Rows("SELECT material FROM series_keys WHERE metric = 'shortage_share' ORDER BY series_id LIMIT 1").Select(r => (string)r[0]!).FirstOrDefault();
            var metric = metrics.FirstOrDefault(m => m.Kind == nameof(MetricKind.PeakPriceMultiple) && m.Material == focus)
                         ?? metrics.FirstOrDefault(m => m.Kind == nameof(MetricKind.PeakPriceMultiple));
            if (metric is null) { md.AppendLine("No default condition available; pass --where."); md.AppendLine(); return null; }
            double p80 = store.Scalar<double>($"SELECT quantile_cont({BatchStore.Q(metric.Name)}, 0.8) FROM runs WHERE status = 'ok'");
            condition = $"{metric.Name} >= {p80.ToString("R", CultureInfo.InvariantCulture)}";
            described = $"`{condition}` (default: the top 20% of the runs by {metric.Name}; choose with --where)";
        }
        List<object?[]> rows;
        try
        {
            rows = store.Rows($"SELECT run_index, coalesce(CAST(({condition}) AS BOOLEAN), false) FROM runs_wide WHERE status = 'ok' ORDER BY run_index");
        }
        catch (DuckDB.NET.Data.DuckDBException e)
        {
            var columns = string.Join(", ", metrics.Select(m => m.Name).Concat(plan.Parameters.Select(p => BatchStore.Q(p.Name))));
            throw new ArgumentException($"--where \"{where ?? condition}\" is not a valid condition on runs_wide: {ConfinedQuery.Explain(e)}. Columns: {columns}", e);
        }
        int n = rows.Count;
        var x = new double[n, d];
        var y = new bool[n];
        for (int i = 0; i < n; i++)
        {
            int run = (int)rows[i][0]!;
            for (int k = 0; k < d; k++) x[i, k] = plan.Values[run, k];
            y[i] = (bool)rows[i][1]!;
        }
        int cases = y.Count(v => v);
        md.AppendLine($"Cases of interest: {described}: {cases} of {n} ok runs ({100.0 * cases / Math.Max(1, n):F1}%).");
        md.AppendLine();
        if (cases == 0 || cases == n)
        {
            md.AppendLine(cases == 0 ? "No run meets the condition: no box." : "Every run meets the condition: no box.");
            md.AppendLine();
            warnings.Add(cases == 0 ? "PRIM: no run meets the condition" : "PRIM: every run meets the condition");
            return null;
        }
        var names = plan.Parameters.Select(p => p.Name).ToList();
        var box = RareEarth.Analysis.Prim.FindBox(x, y, names);
        md.AppendLine($"PRIM box (peeling alpha 0.05, minimum mass 5%, minimum coverage 50%): coverage {F(box.Coverage)} (share of the cases inside), " +
                      $"density {F(box.Density)} (share of cases among the runs inside; {F(box.BaseDensity)} overall), mass {F(box.Mass)} ({box.Count} runs).");
        md.AppendLine();
        var ranges = Enumerable.Range(0, d).Select(k =>
        {
            double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
            for (int i = 0; i < n; i++) { lo = Math.Min(lo, x[i, k]); hi = Math.Max(hi, x[i, k]); }
            return (lo, hi);
        }).ToArray();
        if (box.Limits.Count == 0) md.AppendLine("The selected box restricts no parameter.");
        else
        {
            md.AppendLine("| parameter | box low | box high | range in the runs | share of the range kept |");
            md.AppendLine("| --- | --- | --- | --- | --- |");
            foreach (var l in box.Limits)
            {
                var (lo, hi) = ranges[names.IndexOf(l.Name)];
                md.AppendLine($"| `{l.Name}` | {G(l.Low)} | {G(l.High)} | {G(lo)} .. {G(hi)} | {F(hi > lo ? (l.High - l.Low) / (hi - lo) : 1)} |");
            }
        }
        md.AppendLine();
        if (d >= 2)
        {
            // the two parameters the box restricts most (share of their range removed), then any other
            var order = Enumerable.Range(0, d).OrderByDescending(k =>
            {
                var lim = box.Limits.FirstOrDefault(l => l.Name == names[k]);
                var (lo, hi) = ranges[k];
                return lim is null || hi <= lo ? 0 : 1 - (lim.High - lim.Low) / (hi - lo);
            }).ThenBy(k => k).Take(2).ToArray();
            (double, double) Lim(int k)
            {
                var lim = box.Limits.FirstOrDefault(l => l.Name == names[k]);
                return lim is null ? ranges[k] : (lim.Low, lim.High);
            }
            var xs = Enumerable.Range(0, n).Select(i => x[i, order[0]]).ToArray();
            var ys = Enumerable.Range(0, n).Select(i => x[i, order[1]]).ToArray();
            var png = BatchCharts.PrimScatter(chartDir, "prim_box", $"PRIM box: {(string.IsNullOrWhiteSpace(where) ? "default condition" : where)}",
                names[order[0]], names[order[1]], xs, ys, y, Lim(order[0]), Lim(order[1]));
            charts.Add(png);
            md.AppendLine($"![PRIM box on {names[order[0]]} and {names[order[1]]}](charts/{Path.GetFileName(png)})");
            md.AppendLine();
        }
        return box;
    }

    static string G(double v) => double.IsNaN(v) ? "" : v.ToString("G4", CultureInfo.InvariantCulture);
    static string F(double v) => double.IsNaN(v) ? "-" : v.ToString("F2", CultureInfo.InvariantCulture);
    static string Fmt(object? o) => o switch
    {
        null => "-",
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        _ => Convert.ToString(o, CultureInfo.InvariantCulture) ?? "-",
    };
}
