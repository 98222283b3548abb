using System.Globalization;
using System.Text;
using RareEarth.Runner.Output;
using RareEarth.Scenarios;

namespace RareEarth.Runner.Calibration;

/// <summary>
/// The posterior as a scenario overlay: a YAML file that <c>extends</c> the calibrated scenario, sets each parameter
/// that sits in mappings to its posterior median (so <c>run</c> uses it), and declares under <c>uncertain:</c> a
/// distribution fitted to the weighted posterior (so <c>batch</c> samples it):
/// <list type="bullet">
/// <item>a uniform or beta prior: a beta on the prior's range with the posterior's mean and variance (method of
/// moments), i.e. truncated to the prior range; the prior itself if the posterior is as wide as a beta allows;</item>
/// <item>a triangular prior: a triangular over the posterior's 0.5-99.5% range (within the prior's) with the mode that
/// gives the posterior's mean (an overlay's mapping merges key by key with the scenario's, so the distribution keeps
/// the prior's keys: min, mode, max);</item>
/// <item>a normal prior: a normal with the posterior's mean and sd; a lognormal prior: a lognormal with the mean and sd
/// of the posterior's logarithm.</item>
/// </list>
/// The scenario format has no joint distributions, so correlations are not carried; those above 0.3 in absolute value
/// are listed in a comment. A parameter inside a list (e.g. <c>events.0.approval</c>) cannot be set by an overlay
/// (a list in an extending file replaces the whole list), so its median is given in a comment with the <c>--set</c>
/// that applies it.
/// </summary>
public static class CalibrationOverlay
{
    public const double CorrelationShown = 0.3;

    /// <summary>The overlay's text; <paramref name="extends"/> is the scenario's path relative to where the overlay is written.</summary>
    public static string Text(CalibrationResults r, string extends, string command)
    {
        var job = r.Job;
        var last = r.Generations[^1];
        var sb = new StringBuilder();
        sb.AppendLine($"# Calibrated parameters of {job.Scenario.Nominal.Name}: the ABC-SMC posterior fitted by `rareearth calibrate` (docs/calibration.md).");
        sb.AppendLine($"# Made by: rareearth {command}");
        sb.AppendLine($"# Targets: {Path.GetFileName(job.Setup.Targets.Path)} (fitted: {string.Join(", ", job.Setup.Targets.Fitted.Select(t => t.Name))});");
        sb.AppendLine($"# validation only: {string.Join(", ", job.Setup.Targets.Validation.Select(t => t.Name))}.");
        sb.AppendLine(Inv($"# {job.Settings.Particles} particles x {job.Settings.Generations} generations, {r.TotalRuns} runs; final tolerance {last.Epsilon:G3}, effective sample size {last.EffectiveSampleSize:F0}; engine {EngineInfo.Version}, seed {job.Settings.MasterSeed}."));
        sb.AppendLine("# Every value below is [CAL fit]: a posterior summary of that calibration; regenerate with docs/make-calibration.sh.");
        sb.AppendLine($"extends: {extends}");
        sb.AppendLine($"name: {Quote(job.Scenario.Nominal.Name + " (calibrated)")}");

        // posterior medians of the parameters that sit in mappings, as a nested mapping
        var tree = new SortedDictionary<string, object>(StringComparer.Ordinal);
        var inLists = new List<string>();
        foreach (var p in r.Parameters)
        {
            var parts = p.Prior.Path.Split('.');
            if (parts.Any(s => int.TryParse(s, out _))) { inLists.Add(p.Prior.Path); continue; }
            var node = tree;
            for (int i = 0; i < parts.Length - 1; i++)
            {
                if (!node.TryGetValue(parts[i], out var child)) node[parts[i]] = child = new SortedDictionary<string, object>(StringComparer.Ordinal);
                node = (SortedDictionary<string, object>)child;
            }
            node[parts[^1]] = p;
        }
        WriteTree(sb, tree, 0);
        foreach (var path in inLists)
        {
            var p = r.Parameters.First(x => x.Prior.Path == path);
            sb.AppendLine(Inv($"# {path}: posterior median {Num(p.Quantile(0.5))} (90% interval {Num(p.Quantile(0.05))} to {Num(p.Quantile(0.95))}); it sits in a list, which an overlay cannot change item by item: apply it with --set {path}={Num(p.Quantile(0.5))}"));
        }

        sb.AppendLine("uncertain:");
        foreach (var p in r.Parameters)
        {
            var (dist, why) = Fit(p);
            sb.AppendLine(Inv($"  {p.Prior.Path}: {dist}   # [CAL fit] {why}; prior {Describe(p.Prior)}"));
        }
        var corr = new List<string>();
        for (int i = 0; i < r.Parameters.Count; i++)
            for (int j = i + 1; j < r.Parameters.Count; j++)
                if (Math.Abs(r.Correlation[i, j]) >= CorrelationShown)
                    corr.Add(Inv($"{r.Parameters[i].Prior.Path} ~ {r.Parameters[j].Prior.Path}: {r.Correlation[i, j]:+0.00;-0.00}"));
        sb.AppendLine(corr.Count == 0
            ? Inv($"# Posterior correlations: none above {CorrelationShown} in absolute value, so sampling the parameters independently loses little.")
            : $"# Posterior correlations above {CorrelationShown.ToString(CultureInfo.InvariantCulture)} (not carried: the scenario format samples parameters independently, so a batch over this overlay is wider than the posterior): " + string.Join("; ", corr) + ".");
        return sb.ToString();
    }

    static void WriteTree(StringBuilder sb, SortedDictionary<string, object> node, int depth)
    {
        foreach (var (key, value) in node)
        {
            var indent = new string(' ', 2 * depth);
            if (value is ParameterPosterior p)
                sb.AppendLine(Inv($"{indent}{key}: {Num(p.Quantile(0.5))}   # [CAL fit] posterior median (90% interval {Num(p.Quantile(0.05))} to {Num(p.Quantile(0.95))}); hand-set {Num(p.Prior.Nominal)}"));
            else
            {
                sb.AppendLine($"{indent}{key}:");
                WriteTree(sb, (SortedDictionary<string, object>)value, depth + 1);
            }
        }
    }

    /// <summary>The fitted distribution as a YAML flow mapping, and how it was fitted.</summary>
    public static (string Yaml, string Why) Fit(ParameterPosterior p)
    {
        var prior = p.Prior;
        double mean = p.Mean, sd = p.Sd;
        switch (prior.Distribution)
        {
            case "normal":
                return (Inv($"{{dist: normal, mean: {Num(mean)}, sd: {Num(Math.Max(sd, 1e-9))}}}"), "normal with the posterior's mean and sd");
            case "lognormal":
            {
                var logs = p.Posterior.Select(x => Math.Log(x)).ToArray();
                double mu = Analysis.WeightedStats.Mean(logs, p.Weights), sigma = Math.Sqrt(Analysis.WeightedStats.Variance(logs, p.Weights));
                return (Inv($"{{dist: lognormal, mu: {Num(mu)}, sigma: {Num(Math.Max(sigma, 1e-9))}}}"), "lognormal with the mean and sd of the posterior's logarithm");
            }
            case "triangular":
            {
                // the parent's keys (min, mode, max) merge with the overlay's, so a triangular prior stays triangular:
                // its range narrowed to the posterior's 0.5% and 99.5% quantiles within the prior's, its mode set by the mean
                double lo = Math.Max(prior.A, p.Quantile(0.005)), hi = Math.Min(prior.B, p.Quantile(0.995));
                if (!(hi > lo)) (lo, hi) = (prior.A, prior.B);
                double mode = Math.Clamp(3 * mean - lo - hi, lo, hi);
                return (Inv($"{{dist: triangular, min: {Num(lo)}, mode: {Num(mode)}, max: {Num(hi)}}}"),
                    "triangular over the posterior's 0.5-99.5% range, mode from its mean");
            }
            default:
            {
                var (lo, hi) = prior.Support;
                double m = (mean - lo) / (hi - lo), v = sd * sd / ((hi - lo) * (hi - lo));
                double common = v > 0 ? m * (1 - m) / v - 1 : double.PositiveInfinity;
                if (!(common > 0) || m <= 0 || m >= 1)
                    return ($"{{{Declaration(prior)}}}", "the posterior is as wide as the prior: prior kept");
                double a = Math.Clamp(m * common, 0.05, 1e4), b = Math.Clamp((1 - m) * common, 0.05, 1e4);
                return (Inv($"{{dist: beta, alpha: {Num(a)}, beta: {Num(b)}, min: {Num(lo)}, max: {Num(hi)}}}"),
                    "beta on the prior's range with the posterior's mean and sd (moments)");
            }
        }
    }

    static string Declaration(UncertainParameter p) => p.Distribution switch
    {
        "normal" => Inv($"dist: normal, mean: {Num(p.A)}, sd: {Num(p.B)}"),
        "lognormal" => Inv($"dist: lognormal, mu: {Num(p.A)}, sigma: {Num(p.B)}"),
        "uniform" => Inv($"dist: uniform, min: {Num(p.A)}, max: {Num(p.B)}"),
        "triangular" => Inv($"dist: triangular, min: {Num(p.A)}, mode: {Num(p.C)}, max: {Num(p.B)}"),
        _ => Inv($"dist: beta, alpha: {Num(p.A)}, beta: {Num(p.B)}, min: {Num(p.C)}, max: {Num(p.D)}"),
    };

    public static string Describe(UncertainParameter p) => Declaration(p).Replace("dist: ", "");

    static string Num(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
    static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
    static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
