using System.Globalization;
using System.Text;
using RareEarth.Analysis;
using RareEarth.Runner.Calibration;
using ScottPlot;

namespace RareEarth.Reporting;

/// <summary>What <see cref="CalibrationReport.Write"/> wrote.</summary>
public sealed record CalibrationReportResult(string ReportPath, IReadOnlyList<string> Charts);

/// <summary>
/// The fit report of a calibration (<c>fit.md</c> and <c>charts/</c>): the generations (tolerance, acceptance,
/// effective sample size); per parameter, prior against posterior (quantiles, a density chart) and the fitted
/// distribution; per history series, the posterior's 5-95% band and median, the hand-set parameters' median and every
/// history point (fitted and validation marked apart); per target, the median distance under the hand-set
/// parameters, the prior and the posterior; and the out-of-sample table of the validation targets.
/// </summary>
public static class CalibrationReport
{
    public static readonly Dictionary<string, string> BatchNames = new() { ["handset"] = "hand-set", ["prior"] = "prior", ["posterior"] = "calibrated" };

    public static CalibrationReportResult Write(CalibrationResults r, string dir)
    {
        var charts = new List<string>();
        var chartDir = Path.Combine(dir, "charts");
        foreach (var p in r.Parameters) charts.Add(ParameterChart(p, chartDir));
        var setup = r.Job.Setup;
        for (int s = 0; s < setup.Series.Count; s++) charts.Add(SeriesChart(r, s, chartDir));
        var md = new StringBuilder();
        var job = r.Job;
        md.AppendLine($"# Calibration of {job.Scenario.Nominal.Name}");
        md.AppendLine();
        md.AppendLine(Inv($"ABC-SMC (docs/calibration.md) over {job.Uncertain.Count} parameters, {job.Settings.Particles} particles x {job.Settings.Generations} generations ({job.Proposals} proposals each), master seed {job.Settings.MasterSeed}: {r.TotalRuns} runs in all. Targets: `{Path.GetFileName(setup.Targets.Path)}`, history `{Path.GetFileName(setup.Targets.HistoryPath)}`."));
        md.AppendLine();
        md.AppendLine("## Generations");
        md.AppendLine();
        md.AppendLine("| generation | proposals | accepted | failed | tolerance | effective sample size |");
        md.AppendLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var g in r.Generations)
            md.AppendLine(Inv($"| {g.Generation} | {g.Proposed} | {g.Runs.Length} | {g.Failed} | {g.Epsilon:G4} | {g.EffectiveSampleSize:F0} |"));
        md.AppendLine();
        md.AppendLine("## Parameters: prior and posterior");
        md.AppendLine();
        md.AppendLine("| parameter | hand-set | prior 5% / 50% / 95% | posterior 5% / 50% / 95% | posterior fitted as |");
        md.AppendLine("| --- | --- | --- | --- | --- |");
        foreach (var p in r.Parameters)
            md.AppendLine(Inv($"| `{p.Prior.Path}` | {p.Prior.Nominal:G4} | {p.PriorQuantile(0.05):G3} / {p.PriorQuantile(0.5):G3} / {p.PriorQuantile(0.95):G3} | {p.Quantile(0.05):G3} / {p.Quantile(0.5):G3} / {p.Quantile(0.95):G3} | `{CalibrationOverlay.Fit(p).Yaml}` |"));
        md.AppendLine();
        md.AppendLine("Posterior correlations (weighted):");
        md.AppendLine();
        md.AppendLine("| | " + string.Join(" | ", r.Parameters.Select((_, i) => $"{i + 1}")) + " |");
        md.AppendLine("| --- |" + string.Concat(r.Parameters.Select(_ => " --- |")));
        for (int i = 0; i < r.Parameters.Count; i++)
            md.AppendLine($"| {i + 1} `{r.Parameters[i].Prior.Path}` | " + string.Join(" | ", r.Parameters.Select((_, j) => r.Correlation[i, j].ToString("+0.00;-0.00", CultureInfo.InvariantCulture))) + " |");
        md.AppendLine();
        foreach (var p in r.Parameters) md.AppendLine($"![{p.Prior.Path}](charts/{Stem(p)}.png)");
        md.AppendLine();
        md.AppendLine("## Distance per target");
        md.AppendLine();
        md.AppendLine("Median over the runs of each batch (hand-set: the scenario's values; prior: generation 0; calibrated: draws from the posterior), 0 = a perfect fit.");
        md.AppendLine();
        md.AppendLine("| target | role | series | points | distance | weight | hand-set | prior | calibrated |");
        md.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        var targets = setup.Targets.Targets;
        for (int k = 0; k < targets.Count; k++)
        {
            var t = targets[k];
            md.AppendLine(Inv($"| {t.Name} | {(t.Role == TargetRole.Fitted ? "fitted" : "validation")} | {t.Series} | {t.Points.Count} | {CalibrationTarget.DistanceName(t.Distance)} | {t.Weight:G3} | ") +
                          string.Join(" | ", CalibrationResults.Batches.Select(b => r.Scores[b][k].MedianDistance.ToString("F3", CultureInfo.InvariantCulture))) + " |");
        }
        md.AppendLine();
        md.AppendLine("## Out of sample: the validation targets");
        md.AppendLine();
        md.AppendLine(ValidationTable(r));
        md.AppendLine("## The model against every target point");
        md.AppendLine();
        for (int s = 0; s < setup.Series.Count; s++) md.AppendLine($"![{setup.Series[s].Key}](charts/series_{setup.Series[s].Key}.png)");
        md.AppendLine();
        md.AppendLine("| series | month | history | role | hand-set median | calibrated 5% | calibrated median | calibrated 95% | inside |");
        md.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        for (int k = 0; k < targets.Count; k++)
        {
            var t = targets[k];
            var post = r.Bands["posterior"][setup.SeriesOf[k]];
            var hand = r.Bands["handset"][setup.SeriesOf[k]];
            foreach (var p in t.Points)
            {
                int i = setup.MonthIndex(p.Month);
                bool inside = p.Value >= post.P05[i] && p.Value <= post.P95[i];
                md.AppendLine(Inv($"| {t.Series} | {p.Month} | {p.Value:G4} | {(t.Role == TargetRole.Fitted ? "fitted" : "validation")} | {hand.P50[i]:G4} | {post.P05[i]:G4} | {post.P50[i]:G4} | {post.P95[i]:G4} | {(inside ? "yes" : "no")} |"));
            }
        }
        var path = Path.Combine(dir, "fit.md");
        File.WriteAllText(path, md.ToString());
        File.WriteAllText(Path.Combine(dir, "validation.md"), ValidationTable(r));
        File.WriteAllText(Path.Combine(dir, "validation.csv"), ValidationCsv(r));
        return new CalibrationReportResult(path, charts);
    }

    /// <summary>
    /// One row per validation target and batch (hand-set, calibrated): coverage of the 90% band (share of history
    /// points inside the batch's 5-95% band), log-RMSE of the median, the median's peak against history's (ratio,
    /// month).
    /// </summary>
    public static string ValidationTable(CalibrationResults r)
    {
        var md = new StringBuilder();
        md.AppendLine("| validation target | series | points | parameters | coverage of the 90% band | log-RMSE of the median | peak, model / history | peak month, model vs history |");
        md.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        var targets = r.Job.Setup.Targets.Targets;
        for (int k = 0; k < targets.Count; k++)
        {
            var t = targets[k];
            if (t.Role != TargetRole.Validation) continue;
            foreach (var b in new[] { "handset", "posterior" })
            {
                var s = r.Scores[b][k];
                md.AppendLine(Inv($"| {t.Name} | {t.Series} | {t.Points.Count} | {BatchNames[b]} | {s.Coverage:P0} | {s.LogRmse:F2} | {s.PeakRatio:F2} | {s.ModelPeakMonth} vs {s.HistoryPeakMonth} ({s.PeakMonthOffset:+0;-0;0} months) |"));
            }
        }
        var rows = targets.Select((t, k) => (t, k)).Where(x => x.t.Role == TargetRole.Validation).ToList();
        if (rows.Count > 0)
            foreach (var b in new[] { "handset", "posterior" })
            {
                var sc = rows.Select(x => r.Scores[b][x.k]).ToList();
                double points = rows.Sum(x => x.t.Points.Count);
                double coverage = rows.Sum(x => r.Scores[b][x.k].Coverage * x.t.Points.Count) / points;
                double rmse = Math.Sqrt(rows.Sum(x => r.Scores[b][x.k].LogRmse * r.Scores[b][x.k].LogRmse * x.t.Points.Count) / points);
                md.AppendLine(Inv($"| **all validation points** | | {points} | {BatchNames[b]} | **{coverage:P0}** | **{rmse:F2}** | | |"));
            }
        return md.ToString();
    }

    /// <summary>The validation scores as CSV (scenario, target, parameters, points, coverage, log_rmse, peak_ratio, peak_month_offset): what the history floor test reads.</summary>
    public static string ValidationCsv(CalibrationResults r)
    {
        var sb = new StringBuilder("scenario,target,parameters,points,coverage,log_rmse,peak_ratio,peak_month_offset\n");
        var targets = r.Job.Setup.Targets.Targets;
        var scenario = Path.GetFileNameWithoutExtension(r.Job.Scenario.File);
        for (int k = 0; k < targets.Count; k++)
        {
            if (targets[k].Role != TargetRole.Validation) continue;
            foreach (var b in new[] { "handset", "posterior" })
            {
                var s = r.Scores[b][k];
                sb.Append(CultureInfo.InvariantCulture, $"{scenario},{targets[k].Name},{BatchNames[b]},{targets[k].Points.Count},{s.Coverage:R},{s.LogRmse:R},{s.PeakRatio:R},{s.PeakMonthOffset}\n");
            }
        }
        return sb.ToString();
    }

    static string Stem(ParameterPosterior p) => "param_" + p.Prior.Path.Replace('.', '_');

    /// <summary>Prior (generation 0's proposals) and posterior (weighted particles) as densities over shared bins.</summary>
    static string ParameterChart(ParameterPosterior p, string dir)
    {
        var (lo, hi) = (Math.Min(p.PriorSample.Min(), p.Posterior.Min()), Math.Max(p.PriorSample.Max(), p.Posterior.Max()));
        if (!(hi > lo)) hi = lo + 1;
        const int bins = 30;
        double width = (hi - lo) / bins;
        var xs = Enumerable.Range(0, bins).Select(i => lo + (i + 0.5) * width).ToArray();
        double[] Density(double[] v, IReadOnlyList<double> w)
        {
            var d = new double[bins];
            double total = 0;
            for (int i = 0; i < v.Length; i++) { d[Math.Clamp((int)((v[i] - lo) / width), 0, bins - 1)] += w[i]; total += w[i]; }
            return d.Select(x => x / total / width).ToArray();
        }
        var plt = ChartFonts.NewPlot();
        var prior = plt.Add.ScatterLine(xs, Density(p.PriorSample, Enumerable.Repeat(1.0, p.PriorSample.Length).ToArray()));
        prior.LegendText = "prior"; prior.LineWidth = 2; prior.Color = Colors.Gray; prior.ConnectStyle = ConnectStyle.StepHorizontal;
        var post = plt.Add.ScatterLine(xs, Density(p.Posterior, p.Weights));
        post.LegendText = "posterior"; post.LineWidth = 3; post.ConnectStyle = ConnectStyle.StepHorizontal;
        var hand = plt.Add.VerticalLine(p.Prior.Nominal);
        hand.LegendText = "hand-set"; hand.LineWidth = 1; hand.Color = Colors.Black;
        plt.Title($"{p.Prior.Path}: prior and posterior");
        plt.XLabel(p.Prior.Path);
        plt.YLabel("density");
        plt.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = ChartFormat.Number };
        plt.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = ChartFormat.Number };
        plt.ShowLegend(Edge.Right);
        ChartFonts.Apply(plt);
        ChartFonts.BoldTitle(plt);
        return ChartCanvas.Save(plt, dir, Stem(p));
    }

    /// <summary>One history series: the calibrated 5-95% band and median, the hand-set median, history points by role.</summary>
    static string SeriesChart(CalibrationResults r, int s, string dir)
    {
        var setup = r.Job.Setup;
        var key = setup.Series[s].Key;
        var targets = setup.Targets.Targets.Where((t, k) => setup.SeriesOf[k] == s).ToList();
        var months = targets.SelectMany(t => t.Points).Select(p => setup.MonthIndex(p.Month)).ToList();
        int from = Math.Max(0, months.Min() - 12), to = Math.Min(setup.Months - 1, months.Max() + 12);
        var xs = Enumerable.Range(from, to - from + 1).Select(t => Date(setup, t)).ToArray();
        double[] Cut(double[] a) => a[from..(to + 1)].Select(v => double.IsFinite(v) ? v : 0).ToArray();
        var post = r.Bands["posterior"][s];
        var hand = r.Bands["handset"][s];
        var plt = ChartFonts.NewPlot();
        var fill = plt.Add.FillY(xs, Cut(post.P05), Cut(post.P95));
        fill.FillColor = Colors.SteelBlue.WithAlpha(0.25); fill.LineWidth = 0; fill.LegendText = "calibrated 5-95%";
        var med = plt.Add.ScatterLine(xs, Cut(post.P50));
        med.Color = Colors.SteelBlue; med.LineWidth = 2; med.LegendText = "calibrated median";
        var hm = plt.Add.ScatterLine(xs, Cut(hand.P50));
        hm.Color = Colors.DarkOrange; hm.LineWidth = 2; hm.LegendText = "hand-set median";
        foreach (var role in new[] { TargetRole.Fitted, TargetRole.Validation })
        {
            var pts = targets.Where(t => t.Role == role).SelectMany(t => t.Points).ToList();
            if (pts.Count == 0) continue;
            var sc = plt.Add.ScatterPoints(pts.Select(p => Date(setup, setup.MonthIndex(p.Month))).ToArray(), pts.Select(p => p.Value).ToArray());
            sc.LegendText = role == TargetRole.Fitted ? "history (fitted)" : "history (validation)";
            sc.MarkerSize = 10;
            sc.MarkerShape = role == TargetRole.Fitted ? MarkerShape.OpenCircle : MarkerShape.FilledSquare;
            sc.Color = role == TargetRole.Fitted ? Colors.Black : Colors.Crimson;
        }
        plt.Axes.DateTimeTicksBottom();
        plt.Title($"{key}: model against history");
        plt.YLabel(key.Metric == "price" ? "USD/kg" : "t/month");
        plt.XLabel("month");
        plt.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = ChartFormat.Number };
        plt.ShowLegend(Edge.Right);
        ChartFonts.Apply(plt);
        ChartFonts.BoldTitle(plt);
        return ChartCanvas.Save(plt, dir, $"series_{key}");
    }

    static double Date(CalibrationSetup s, int t)
    {
        int m = s.StartMonth - 1 + t;
        return new DateTime(s.StartYear + m / 12, m % 12 + 1, 15).ToOADate();
    }

    static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
