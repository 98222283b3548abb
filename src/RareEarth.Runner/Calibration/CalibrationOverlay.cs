using System.Globalization;
using System.Text;
using RareEarth.Runner.Output;
using RareEarth.Scenarios;
using RareEarth.Scenarios.Yaml;

namespace RareEarth.Runner.Calibration;

/// <summary>
/// The posterior as a scenario overlay: a YAML file that <c>extends</c> the scenario calibrate ran on, sets each
/// parameter to its posterior median (so <c>run</c> uses it), and declares under <c>uncertain:</c> a
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
/// are listed in a comment. A list in an extending file replaces the parent's whole list, so a parameter inside a list
/// (e.g. <c>events.0.approval</c>) is set by writing the scenario's whole resolved list, one item a line,
/// with that item's value replaced by its median. The overlay's <c>name</c> is the scenario's with a trailing
/// <c>(hand-set)</c> removed (the shipped historical scenarios: the calibrated one is the default), else with
/// <c>(calibrated)</c> added.
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
        sb.AppendLine($"# {Name(job.Scenario.Nominal.Name)}, calibrated: the scenario {extends} (hand-set parameters; its `uncertain:` block holds");
        sb.AppendLine("# the priors) with those parameters fitted to history by `rareearth calibrate` (ABC-SMC, docs/calibration.md). `run` uses");
        sb.AppendLine($"# the posterior medians below, `batch` samples the fitted distributions under `uncertain:`; run {extends} to compare.");
        sb.AppendLine($"# Made by: rareearth {command}");
        sb.AppendLine($"# Targets: {Path.GetFileName(job.Setup.Targets.Path)} (fitted: {string.Join(", ", job.Setup.Targets.Fitted.Select(t => t.Name))});");
        sb.AppendLine($"# validation only: {string.Join(", ", job.Setup.Targets.Validation.Select(t => t.Name))}.");
        sb.AppendLine(Inv($"# {job.Settings.Particles} particles x {job.Settings.Generations} generations, {r.TotalRuns} runs; final tolerance {last.Epsilon:G3}, effective sample size {last.EffectiveSampleSize:F0}; engine {EngineInfo.Version}, seed {job.Settings.MasterSeed}."));
        sb.AppendLine("# Every value below is [CAL fit]: a posterior summary of that calibration; regenerate with docs/make-calibration.sh.");
        sb.AppendLine($"extends: {extends}");
        sb.AppendLine($"name: {Quote(Name(job.Scenario.Nominal.Name))}");

        // posterior medians as a nested mapping; a parameter inside a list sets an item of the whole list, copied
        var tree = new SortedDictionary<string, object>(StringComparer.Ordinal);
        foreach (var p in r.Parameters)
        {
            var parts = p.Prior.Path.Split('.');
            int inList = Array.FindIndex(parts, s => int.TryParse(s, out _));
            int depth = inList < 0 ? parts.Length - 1 : inList - 1;
            var node = tree;
            for (int i = 0; i < depth; i++)
            {
                if (!node.TryGetValue(parts[i], out var child)) node[parts[i]] = child = new SortedDictionary<string, object>(StringComparer.Ordinal);
                node = (SortedDictionary<string, object>)child;
            }
            if (inList < 0) { node[parts[^1]] = p; continue; }
            if (!node.TryGetValue(parts[depth], out var list))
            {
                var resolved = job.Scenario.Document.Root;
                for (int i = 0; i <= depth; i++) resolved = resolved?.Get(parts[i]);
                if (resolved is not { Kind: YKind.Seq }) throw new InvalidOperationException($"{p.Prior.Path}: {string.Join('.', parts[..(depth + 1)])} is not a list in the scenario");
                node[parts[depth]] = list = new CopiedList(resolved.DeepClone());
            }
            ((CopiedList)list).Set(parts[(depth + 1)..], p);
        }
        WriteTree(sb, tree, 0, extends);

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

    /// <summary>The overlay's name for a scenario: "X (hand-set)" becomes "X"; any other name gets " (calibrated)".</summary>
    public static string Name(string scenarioName) =>
        scenarioName.EndsWith(HandSetSuffix, StringComparison.Ordinal) ? scenarioName[..^HandSetSuffix.Length] : scenarioName + " (calibrated)";

    public const string HandSetSuffix = " (hand-set)";

    /// <summary>A list of the resolved scenario, copied whole into the overlay, with the fitted values of its items.</summary>
    sealed class CopiedList(YNode list)
    {
        public readonly YNode List = list;
        public readonly Dictionary<int, List<(string Key, ParameterPosterior P)>> Fitted = new();

        /// <summary>Sets the value at <paramref name="rest"/> (an item index, then keys or indexes) to the posterior median.</summary>
        public void Set(string[] rest, ParameterPosterior p)
        {
            int item = int.Parse(rest[0], CultureInfo.InvariantCulture);
            var errors = new List<ScenarioError>();
            var holder = YNode.NewMap("", 0, 0);
            holder.Set("list", List);
            ScenarioLoader.ApplyOverride(holder, "list." + string.Join('.', rest), Num(p.Quantile(0.5)), errors);
            if (errors.Count > 0) throw new InvalidOperationException($"{p.Prior.Path}: {errors[0]}");
            if (!Fitted.TryGetValue(item, out var list)) Fitted[item] = list = new();
            list.Add((string.Join('.', rest[1..]), p));
        }
    }

    static void WriteTree(StringBuilder sb, SortedDictionary<string, object> node, int depth, string extends)
    {
        foreach (var (key, value) in node)
        {
            var indent = new string(' ', 2 * depth);
            if (value is ParameterPosterior p)
                sb.AppendLine(Inv($"{indent}{key}: {Num(p.Quantile(0.5))}   # [CAL fit] posterior median (90% interval {Num(p.Quantile(0.05))} to {Num(p.Quantile(0.95))}); hand-set {Num(p.Prior.Nominal)}"));
            else if (value is CopiedList c)
            {
                sb.AppendLine($"{indent}# {key}: the list of {extends} (where each number's source is), copied whole because a list here replaces the");
                sb.AppendLine($"{indent}# parent's whole list; only the values marked [CAL fit] differ from it.");
                sb.AppendLine($"{indent}{key}:");
                for (int i = 0; i < c.List.Items.Count; i++)
                {
                    var comment = c.Fitted.TryGetValue(i, out var fitted)
                        ? "   # [CAL fit] " + string.Join("; ", fitted.Select(f => Inv($"{f.Key}: posterior median (90% interval {Num(f.P.Quantile(0.05))} to {Num(f.P.Quantile(0.95))}); hand-set {Num(f.P.Prior.Nominal)}")))
                        : "";
                    sb.AppendLine($"{indent}  - {Flow(c.List.Items[i])}{comment}");
                }
            }
            else
            {
                sb.AppendLine($"{indent}{key}:");
                WriteTree(sb, (SortedDictionary<string, object>)value, depth + 1, extends);
            }
        }
    }

    /// <summary>A node as one line of YAML flow style that reads back to the same node (plain scalars stay plain where that is safe, the rest is double-quoted).</summary>
    public static string Flow(YNode n) => n.Kind switch
    {
        YKind.Map => "{" + string.Join(", ", n.Entries.Select(e => FlowScalar(e.Key, false) + ": " + Flow(e.Value))) + "}",
        YKind.Seq => "[" + string.Join(", ", n.Items.Select(Flow)) + "]",
        _ => n.IsNull ? "null" : FlowScalar(n.Value!, n.Quoted),
    };

    static string FlowScalar(string v, bool quoted)
    {
        // unquoted words, numbers and months stay plain (a number quoted would become text); a '-' starts a plain
        // scalar only before a digit or a point; anything else is double-quoted
        bool plain = !quoted && v.Length > 0 && v.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '.' or '-' or '+')
                     && (v[0] != '-' || (v.Length > 1 && (char.IsAsciiDigit(v[1]) || v[1] == '.')));
        if (plain) return v;
        var sb = new StringBuilder("\"");
        foreach (var ch in v)
            sb.Append(ch switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                _ when char.IsControl(ch) => $"\\u{(int)ch:X4}",
                _ => ch.ToString(),
            });
        return sb.Append('"').ToString();
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
