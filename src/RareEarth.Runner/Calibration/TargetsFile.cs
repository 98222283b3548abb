using System.Globalization;
using RareEarth.Scenarios;
using RareEarth.Scenarios.Yaml;

namespace RareEarth.Runner.Calibration;

/// <summary>How a target's model series is compared with its history points.</summary>
public enum DistanceKind
{
    /// <summary>Root mean square of ln(model / history) over the points: a level and shape fit.</summary>
    LogRatio,
    /// <summary>Mean absolute difference of each point as a share of the mean of its series' points: shape only, level free.</summary>
    Share,
    /// <summary>|month of the model's peak − month of history's peak| / 6 months, within the points' span.</summary>
    PeakMonth,
    /// <summary>|ln(model peak / history peak)| within the points' span.</summary>
    PeakSize,
}

/// <summary>Whether a target is fitted or only compared.</summary>
public enum TargetRole { Fitted, Validation }

/// <summary>A history series: metric (price, exports, imports), material (or reo), country or price region, partner.</summary>
public sealed record SeriesKey(string Metric, string Material, string Country, string Partner)
{
    /// <summary>The name used in charts, tables and the store: as the history command's chart names.</summary>
    public override string ToString() => $"{Metric}_{Material}_{Country}" + (Partner.Length > 0 ? $"_from_{Partner}" : "");
}

/// <summary>One observed point of a target: month label (YYYY-MM) and value.</summary>
public sealed record TargetPoint(string Month, double Value, string Source);

/// <summary>One declared target: a history series, the points it takes, how they are compared, and whether it is fitted.</summary>
public sealed record CalibrationTarget(string Name, TargetRole Role, SeriesKey Series, IReadOnlyList<TargetPoint> Points, DistanceKind Distance, double Weight, string Note, string Where)
{
    public static string DistanceName(DistanceKind k) => k switch
    {
        DistanceKind.LogRatio => "log_ratio",
        DistanceKind.Share => "share",
        DistanceKind.PeakMonth => "peak_month",
        _ => "peak_size",
    };
}

/// <summary>
/// A calibration targets file (<c>scenarios/calibration/*.yaml</c>): the history CSV it draws from and two disjoint
/// lists, <c>fitted:</c> (what the posterior is conditioned on) and <c>validation:</c> (only compared, out of sample).
/// <code>
/// history: ../../docs/sources/history-2025.csv   # relative to this file, else to the shipped scenarios/calibration/
/// quantile: 0.25                                   # optional (default 0.25): share of each generation's proposals accepted
/// fitted:
///   - {name: magnet_exports, metric: exports, material: ndfeb_magnet, country: CN, months: 2025-04..2025-09, distance: log_ratio, weight: 1}
/// validation:
///   - {name: dy_china, metric: price, material: dy_oxide, country: CN, months: [2025-08], distance: log_ratio}
/// </code>
/// <c>months</c> is a list of YYYY-MM or a range <c>FROM..TO</c> (every history point of the series in it). Every problem
/// is reported at once, each with file, line and column (<see cref="ScenarioException"/>).
/// </summary>
public sealed class TargetsFile
{
    public required string Path { get; init; }
    public required string HistoryPath { get; init; }
    public required double Quantile { get; init; }
    public required IReadOnlyList<CalibrationTarget> Targets { get; init; }
    /// <summary>SHA-256 of the file's text and the history file's text: a calibration resumes only with the same targets.</summary>
    public required string Hash { get; init; }

    public IEnumerable<CalibrationTarget> Fitted => Targets.Where(t => t.Role == TargetRole.Fitted);
    public IEnumerable<CalibrationTarget> Validation => Targets.Where(t => t.Role == TargetRole.Validation);

    static readonly string[] TopKeys = { "name", "description", "history", "quantile", "fitted", "validation" };
    static readonly string[] TargetKeys = { "name", "metric", "material", "country", "partner", "months", "distance", "weight", "note" };
    static readonly string[] Metrics = { "price", "exports", "imports" };
    static readonly string[] DistanceNames = { "log_ratio", "share", "peak_month", "peak_size" };

    /// <summary>Reads and checks a targets file; throws <see cref="ScenarioException"/> with every problem.</summary>
    public static TargetsFile Load(string path)
    {
        var errors = new List<ScenarioError>();
        void Err(YNode? at, string key, string message) => errors.Add(new ScenarioError(path, at?.Line ?? 0, at?.Column ?? 0, key, message));
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ScenarioException(new[] { new ScenarioError(path, 0, 0, "", $"cannot read the targets file: {e.Message}") });
        }
        var root = YNode.Parse(text, path, errors);
        if (root is null || errors.Count > 0) throw new ScenarioException(errors.Count > 0 ? errors : new List<ScenarioError> { new(path, 0, 0, "", "empty targets file") });
        if (root.Kind != YKind.Map) { Err(root, "", $"found {root.Describe()}, expected a mapping with history, fitted and validation"); throw new ScenarioException(errors); }
        foreach (var (key, node) in root.Entries)
            if (!TopKeys.Contains(key)) Err(node, key, $"unknown key; expected one of {string.Join(", ", TopKeys)}{Suggest.For(key, TopKeys)}");

        // history CSV, relative to this file
        List<HistoryRow> history = new();
        string historyPath = "";
        var h = root.Get("history");
        if (h is null || h.Kind != YKind.Scalar || h.IsNull) Err(h ?? root, "history", $"found {h?.Describe() ?? "nothing"}, expected the path of a history CSV (docs/sources/history-*.csv), relative to this file");
        else
        {
            historyPath = System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!, h.Value!));
            // as extends: relative to this file, else to the shipped scenarios/calibration/ folder (a copied targets file still finds docs/sources/)
            if (!File.Exists(historyPath) && !System.IO.Path.IsPathRooted(h.Value!) && ScenarioLoader.ShippedFolder is { } shipped &&
                System.IO.Path.GetFullPath(System.IO.Path.Combine(shipped, "calibration", h.Value!)) is var fallback && File.Exists(fallback))
                historyPath = fallback;
            try { history = HistoryRow.Read(historyPath); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                Err(h, "history", $"found '{h.Value}', expected a readable history CSV ({e.Message})");
            }
        }
        double quantile = 0.25;
        if (root.Get("quantile") is { } q && !(Number(q) is double qv && qv > 0 && qv <= 1 && (quantile = qv) > 0))
            Err(q, "quantile", $"found {q.Describe()}, expected a number in (0, 1]: the share of each generation's proposals accepted");

        var targets = new List<CalibrationTarget>();
        foreach (var (section, role) in new[] { ("fitted", TargetRole.Fitted), ("validation", TargetRole.Validation) })
        {
            var list = root.Get(section);
            if (list is null) { if (role == TargetRole.Fitted) Err(root, section, "missing; expected a list of targets to fit"); continue; }
            if (list.Kind != YKind.Seq) { Err(list, section, $"found {list.Describe()}, expected a list of targets"); continue; }
            if (role == TargetRole.Fitted && list.Items.Count == 0) Err(list, section, "found an empty list, expected at least one target to fit");
            for (int i = 0; i < list.Items.Count; i++)
                if (ReadTarget(list.Items[i], $"{section}.{i}", role, history, errors, Err) is { } t) targets.Add(t);
        }

        foreach (var dup in targets.GroupBy(t => t.Name).Where(g => g.Count() > 1))
            foreach (var t in dup.Skip(1)) errors.Add(new ScenarioError(path, Line(t.Where), Col(t.Where), "name", $"found '{t.Name}' again (first at {dup.First().Where}), expected a name used once"));
        // fitted and validation must be disjoint: no history point (series and month) in both
        var fittedPoints = targets.Where(t => t.Role == TargetRole.Fitted).SelectMany(t => t.Points.Select(p => (t.Series, p.Month, t))).ToList();
        foreach (var v in targets.Where(t => t.Role == TargetRole.Validation))
            foreach (var p in v.Points)
                if (fittedPoints.FirstOrDefault(f => f.Series == v.Series && f.Month == p.Month) is { t: not null } clash)
                    errors.Add(new ScenarioError(path, Line(v.Where), Col(v.Where), "months",
                        $"found {v.Series} {p.Month} in validation target '{v.Name}' and in fitted target '{clash.t.Name}' ({clash.t.Where}), expected fitted and validation points to be disjoint"));
        if (errors.Count > 0) throw new ScenarioException(errors);
        return new TargetsFile
        {
            Path = path, HistoryPath = historyPath, Quantile = quantile, Targets = targets,
            Hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text + "\n" + File.ReadAllText(historyPath))))[..16].ToLowerInvariant(),
        };
    }

    static int Line(string where) => int.Parse(where.Split(':')[^2], CultureInfo.InvariantCulture);
    static int Col(string where) => int.Parse(where.Split(':')[^1], CultureInfo.InvariantCulture);

    static CalibrationTarget? ReadTarget(YNode n, string at, TargetRole role, List<HistoryRow> history, List<ScenarioError> errors, Action<YNode?, string, string> err)
    {
        if (n.Kind != YKind.Map) { err(n, at, $"found {n.Describe()}, expected a mapping with name, metric, material, country, months, distance"); return null; }
        int before = errors.Count;
        foreach (var (key, node) in n.Entries)
            if (!TargetKeys.Contains(key)) err(node, $"{at}.{key}", $"unknown key; expected one of {string.Join(", ", TargetKeys)}{Suggest.For(key, TargetKeys)}");
        string? Str(string key, bool required = true)
        {
            var v = n.Get(key);
            if (v is null) { if (required) err(n, $"{at}.{key}", "missing; expected a value"); return null; }
            if (v.Kind != YKind.Scalar || v.IsNull) { err(v, $"{at}.{key}", $"found {v.Describe()}, expected a text"); return null; }
            return v.Value;
        }
        var name = Str("name");
        var metric = Str("metric");
        if (metric is not null && !Metrics.Contains(metric)) { err(n.Get("metric"), $"{at}.metric", $"found '{metric}', expected one of {string.Join(", ", Metrics)}{Suggest.For(metric, Metrics)}"); metric = null; }
        var material = Str("material");
        var country = Str("country");
        var partner = Str("partner", required: false) ?? "";
        var distanceText = Str("distance");
        DistanceKind distance = DistanceKind.LogRatio;
        if (distanceText is not null)
        {
            int k = Array.IndexOf(DistanceNames, distanceText);
            if (k < 0) err(n.Get("distance"), $"{at}.distance", $"found '{distanceText}', expected one of {string.Join(", ", DistanceNames)}{Suggest.For(distanceText, DistanceNames)}");
            else distance = (DistanceKind)k;
        }
        double weight = 1;
        if (n.Get("weight") is { } w && !(Number(w) is double wv && wv > 0 && wv <= 1000 && (weight = wv) > 0))
            err(w, $"{at}.weight", $"found {w.Describe()}, expected a number above 0 and at most 1000");
        var note = Str("note", required: false) ?? "";

        var monthsNode = n.Get("months");
        var points = new List<TargetPoint>();
        if (monthsNode is null) err(n, $"{at}.months", "missing; expected a list of months (YYYY-MM) or a range FROM..TO");
        else if (metric is not null && material is not null && country is not null)
        {
            var series = new SeriesKey(metric, material, country, partner);
            var rows = history.Where(r => r.Series == series).ToList();
            if (history.Count > 0 && rows.Count == 0)
                err(n, at, $"found no history point for {series} in the history file, expected a series it holds: {string.Join(", ", history.Select(r => r.Series.ToString()).Distinct())}");
            else if (monthsNode.Kind == YKind.Scalar && monthsNode.Value is { } range && range.Contains(".."))
            {
                var parts = range.Split("..");
                if (parts.Length != 2 || !IsMonth(parts[0]) || !IsMonth(parts[1]) || string.CompareOrdinal(parts[0], parts[1]) > 0)
                    err(monthsNode, $"{at}.months", $"found '{range}', expected a range FROM..TO of months YYYY-MM, FROM not after TO");
                else
                {
                    points.AddRange(rows.Where(r => string.CompareOrdinal(r.Month, parts[0]) >= 0 && string.CompareOrdinal(r.Month, parts[1]) <= 0).Select(r => r.Point));
                    if (points.Count == 0 && rows.Count > 0) err(monthsNode, $"{at}.months", $"found no history point of {series} in {range}, expected a range holding some ({string.Join(", ", rows.Select(r => r.Month))})");
                }
            }
            else if (monthsNode.Kind == YKind.Seq)
            {
                foreach (var m in monthsNode.Items)
                {
                    if (m.Kind != YKind.Scalar || m.Value is null || !IsMonth(m.Value)) { err(m, $"{at}.months", $"found {m.Describe()}, expected a month YYYY-MM"); continue; }
                    var row = rows.FirstOrDefault(r => r.Month == m.Value);
                    if (row is null) { if (rows.Count > 0) err(m, $"{at}.months", $"found {m.Value}, expected a month with a history point of {series} ({string.Join(", ", rows.Select(r => r.Month))})"); continue; }
                    if (points.Any(p => p.Month == m.Value)) { err(m, $"{at}.months", $"found {m.Value} twice, expected each month once"); continue; }
                    points.Add(row.Point);
                }
                if (monthsNode.Items.Count == 0) err(monthsNode, $"{at}.months", "found an empty list, expected at least one month");
            }
            else err(monthsNode, $"{at}.months", $"found {monthsNode.Describe()}, expected a list of months (YYYY-MM) or a range FROM..TO");
            foreach (var p in points.Where(p => p.Value <= 0 && distance != DistanceKind.PeakMonth))
                err(monthsNode, $"{at}.months", $"found a history value of {p.Value} in {p.Month}, expected values above 0 for the {DistanceNames[(int)distance]} distance");
            if (distance is DistanceKind.Share && points.Count < 2) err(monthsNode, $"{at}.months", "found one point, expected at least two for the share distance (each point is a share of the points' mean)");
        }
        if (errors.Count != before || name is null || metric is null || material is null || country is null) return null;
        return new CalibrationTarget(name, role, new SeriesKey(metric, material, country, partner), points.OrderBy(p => p.Month, StringComparer.Ordinal).ToList(),
            distance, weight, note, n.Where);
    }

    static bool IsMonth(string s) => s.Length == 7 && s[4] == '-' && int.TryParse(s[..4], NumberStyles.None, CultureInfo.InvariantCulture, out int y) && y is >= 1900 and <= 2200
                                     && int.TryParse(s[5..], NumberStyles.None, CultureInfo.InvariantCulture, out int m) && m is >= 1 and <= 12;

    static double? Number(YNode n) =>
        n.Kind == YKind.Scalar && !n.IsNull && double.TryParse(n.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : null;

    /// <summary>One row of a history CSV (month,metric,material,country,partner,value,unit,use,source).</summary>
    sealed record HistoryRow(string Month, SeriesKey Series, double Value, string Source)
    {
        public TargetPoint Point => new(Month, Value, Source);

        public static List<HistoryRow> Read(string path) =>
            Output.HistoryCsv.Read(path)
                .Select(r => new HistoryRow(r.Fields[0], new SeriesKey(r.Fields[1], r.Fields[2], r.Fields[3], r.Fields[4]), r.Value, r.Fields[8]))
                .ToList();
    }
}
