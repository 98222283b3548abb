using System.Globalization;
using RareEarth.Scenarios.Yaml;

namespace RareEarth.Scenarios;

/// <summary>
/// Reads typed values out of a mapping node and records every problem (never stops at the first):
/// missing keys, wrong types, out-of-range values, unknown ids, and keys nobody asked for.
/// </summary>
internal sealed class MapScope
{
    readonly YNode _node;
    readonly HashSet<string> _used = new();
    public readonly string Path;
    public readonly List<ScenarioError> Errors;
    public readonly Calendar Cal;

    public MapScope(YNode node, string path, List<ScenarioError> errors, Calendar cal)
    {
        _node = node; Path = path; Errors = errors; Cal = cal;
    }

    public YNode Node => _node;
    string P(string key) => string.IsNullOrEmpty(Path) ? key : $"{Path}.{key}";

    public void Error(YNode at, string key, string message) => Errors.Add(new ScenarioError(at.File, at.Line, at.Column, P(key), message));
    public void ErrorHere(string message) => Errors.Add(new ScenarioError(_node.File, _node.Line, _node.Column, Path, message));

    public YNode? Raw(string key)
    {
        _used.Add(key);
        var n = _node.Get(key);
        return n is null || n.IsNull ? null : n;
    }

    public bool Has(string key) => _node.Get(key) is { IsNull: false };

    YNode? Required(string key, string expected)
    {
        var n = Raw(key);
        if (n is null) Errors.Add(new ScenarioError(_node.File, _node.Line, _node.Column, P(key), $"missing; expected {expected}"));
        return n;
    }

    public double Num(string key, double def, double min = double.NegativeInfinity, double max = double.PositiveInfinity, bool required = false)
    {
        var n = required ? Required(key, "a number") : Raw(key);
        if (n is null) return def;
        return ParseNum(n, key, min, max, def);
    }

    /// <summary>A number in its declared range (<see cref="NumberRanges"/>), read under the range's own key name.</summary>
    public double Num(NumberRange r, double def, bool required = false)
    {
        var n = required ? Required(r.Name, "a number") : Raw(r.Name);
        if (n is null) return def;
        return ParseNum(n, r.Name, r, def);
    }

    public double ParseNum(YNode n, string key, NumberRange r, double def)
    {
        double x = ParseNum(n, key, double.NegativeInfinity, double.PositiveInfinity, double.NaN);
        if (double.IsNaN(x)) return def;
        if (r.Contains(x)) return x;
        Error(n, key, $"found {NumberRanges.Format(x)}, expected {r.Text}");
        return def;
    }

    /// <summary>A cross-field rule: the value read for <paramref name="r"/> may not exceed its sibling <see cref="NumberRange.AtMost"/>.</summary>
    public double AtMost(NumberRange r, double value, double limit, double def)
    {
        if (r.AtMost is null || value <= limit || Raw(r.Name) is not { } n) return value;
        Error(n, r.Name, $"found {NumberRanges.Format(value)}, expected at most {r.AtMost} ({NumberRanges.Format(limit)})");
        return def;
    }

    /// <summary>A whole number in its declared range (<see cref="NumberRanges"/>).</summary>
    public int Int(NumberRange r, int def, bool required = false)
    {
        var n = required ? Required(r.Name, "a whole number") : Raw(r.Name);
        if (n is null) return def;
        if (n.Kind != YKind.Scalar || !int.TryParse(n.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var x))
        {
            Error(n, r.Name, $"found {n.Describe()}, expected {r.Text}");
            return def;
        }
        if (!r.Contains(x)) { Error(n, r.Name, $"found {x}, expected {r.Text}"); return def; }
        return x;
    }

    public double ParseNum(YNode n, string key, double min, double max, double def)
    {
        if (n.Kind != YKind.Scalar || n.Quoted || !double.TryParse(n.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
            || double.IsNaN(x) || double.IsInfinity(x))
        {
            Error(n, key, $"found {n.Describe()}, expected a number");
            return def;
        }
        if (x < min || x > max)
        {
            Error(n, key, $"found {x.ToString(CultureInfo.InvariantCulture)}, expected a number {RangeText(min, max)}");
            return def;
        }
        return x;
    }

    static string RangeText(double min, double max) =>
        double.IsNegativeInfinity(min) ? $"<= {max.ToString(CultureInfo.InvariantCulture)}"
        : double.IsPositiveInfinity(max) ? $">= {min.ToString(CultureInfo.InvariantCulture)}"
        : $"between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}";

    public int Int(string key, int def, int min = int.MinValue, int max = int.MaxValue, bool required = false)
    {
        var n = required ? Required(key, "a whole number") : Raw(key);
        if (n is null) return def;
        if (n.Kind != YKind.Scalar || !int.TryParse(n.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var x))
        {
            Error(n, key, $"found {n.Describe()}, expected a whole number");
            return def;
        }
        if (x < min || x > max) { Error(n, key, $"found {x}, expected a whole number {RangeText(min, max)}"); return def; }
        return x;
    }

    public bool Bool(string key, bool def)
    {
        var n = Raw(key);
        if (n is null) return def;
        if (n.Kind == YKind.Scalar && (n.Value == "true" || n.Value == "false")) return n.Value == "true";
        Error(n, key, $"found {n.Describe()}, expected true or false");
        return def;
    }

    public string? Str(string key, bool required = false, string? def = null)
    {
        var n = required ? Required(key, "text") : Raw(key);
        if (n is null) return def;
        if (n.Kind != YKind.Scalar) { Error(n, key, $"found {n.Describe()}, expected text"); return def; }
        return n.Value;
    }

    public string? OneOf(string key, string[] options, bool required = false, string? def = null)
    {
        var n = required ? Required(key, "one of " + string.Join(", ", options)) : Raw(key);
        if (n is null) return def;
        if (n.Kind == YKind.Scalar && options.Contains(n.Value)) return n.Value;
        Error(n, key, $"found {n.Describe()}, expected one of {string.Join(", ", options)}" + Suggest.For(n.Value ?? "", options));
        return def;
    }

    /// <summary>A calendar month "YYYY-MM" as an index from the scenario start. Checks it lies in the horizon unless allowed outside.</summary>
    public int Month(string key, int def, bool required = false, bool allowOutside = false)
    {
        var n = required ? Required(key, "a month like 2010-09") : Raw(key);
        if (n is null) return def;
        return Cal.Parse(n, P(key), Errors, allowOutside) ?? def;
    }

    public int Ref(string key, IReadOnlyList<string> ids, string what, bool required = true)
    {
        var n = required ? Required(key, $"the id of a {what}") : Raw(key);
        if (n is null) return -1;
        return RefNode(n, key, ids, what);
    }

    public int RefNode(YNode n, string key, IReadOnlyList<string> ids, string what)
    {
        if (n.Kind == YKind.Scalar && n.Value is not null)
        {
            int idx = IndexOf(ids, n.Value);
            if (idx >= 0) return idx;
            Error(n, key, $"unknown {what} '{n.Value}'; {ExpectedOneOf(ids, what)}" + Suggest.For(n.Value, ids));
            return -1;
        }
        Error(n, key, $"found {n.Describe()}, expected the id of a {what}");
        return -1;
    }

    /// <summary>"expected one of: a, b", or "no country is defined" when there is nothing to choose from.</summary>
    static string ExpectedOneOf(IReadOnlyList<string> ids, string what) =>
        ids.Count == 0 ? $"no {what} is defined" : $"expected one of: {string.Join(", ", ids)}";

    static int IndexOf(IReadOnlyList<string> ids, string id)
    {
        for (int i = 0; i < ids.Count; i++) if (ids[i] == id) return i;
        return -1;
    }

    /// <summary>"all", one id, or a list of ids, as a mask over <paramref name="ids"/>.</summary>
    public bool[]? Mask(string key, IReadOnlyList<string> ids, string what, bool required = true)
    {
        var n = required ? Required(key, $"'all', a {what} id or a list of them") : Raw(key);
        if (n is null) return null;
        var mask = new bool[ids.Count];
        if (n.Kind == YKind.Scalar && n.Value == "all") { Array.Fill(mask, true); return mask; }
        var items = n.Kind == YKind.Seq ? n.Items : new List<YNode> { n };
        foreach (var it in items)
        {
            int i = RefNode(it, key, ids, what);
            if (i >= 0) mask[i] = true;
        }
        return mask;
    }

    public MapScope? Sub(string key, bool required = false)
    {
        var n = required ? Required(key, "a mapping") : Raw(key);
        if (n is null) return null;
        if (n.Kind != YKind.Map) { Error(n, key, $"found {n.Describe()}, expected a mapping of keys"); return null; }
        return new MapScope(n, P(key), Errors, Cal);
    }

    public IEnumerable<(string Key, MapScope Scope)> Children()
    {
        foreach (var (k, v) in _node.Entries)
        {
            _used.Add(k);
            if (v.Kind != YKind.Map) { Error(v, k, $"found {v.Describe()}, expected a mapping of keys"); continue; }
            yield return (k, new MapScope(v, P(k), Errors, Cal));
        }
    }

    /// <summary>A mapping from material id to number, e.g. inputs: {ndpr_oxide: 0.3}.</summary>
    public double[] MaterialVector(string key, IReadOnlyList<string> materials, NumberRange range)
    {
        var v = new double[materials.Count];
        var n = Raw(key);
        if (n is null) return v;
        if (n.Kind != YKind.Map) { Error(n, key, $"found {n.Describe()}, expected a mapping of material id to number"); return v; }
        var scope = new MapScope(n, P(key), Errors, Cal);
        foreach (var (k, child) in n.Entries)
        {
            int i = IndexOf(materials, k);
            if (i < 0) { scope.Error(child, k, $"unknown material '{k}'; {ExpectedOneOf(materials, "material")}" + Suggest.For(k, materials)); continue; }
            v[i] = scope.ParseNum(child, k, range, 0);
        }
        return v;
    }

    /// <summary>Reports keys present in the mapping that nothing read: typos, with a suggestion.</summary>
    public void Done()
    {
        foreach (var (k, v) in _node.Entries)
            if (!_used.Contains(k))
                Error(v, k, $"unknown key '{k}'" + Suggest.For(k, Known()) + (Known().Length > 0 ? $"; expected one of: {string.Join(", ", Known())}" : ""));
    }

    string[] Known() => _used.ToArray();
}

/// <summary>Calendar months of a scenario: "YYYY-MM" to month index and back, with horizon checks.</summary>
internal sealed class Calendar
{
    public int StartYear = 2000, StartMonth = 1, Months = 1;
    public bool Valid;

    public static (int Year, int Month)? ParseText(string? text)
    {
        if (text is null || text.Length != 7 || text[4] != '-') return null;
        if (!int.TryParse(text[..4], NumberStyles.None, CultureInfo.InvariantCulture, out int y)) return null;
        if (!int.TryParse(text[5..], NumberStyles.None, CultureInfo.InvariantCulture, out int mo) || mo < 1 || mo > 12) return null;
        return (y, mo);
    }

    public int? Parse(YNode n, string path, List<ScenarioError> errors, bool allowOutside)
    {
        var ym = n.Kind == YKind.Scalar ? ParseText(n.Value) : null;
        if (ym is null)
        {
            errors.Add(new ScenarioError(n.File, n.Line, n.Column, path, $"found {n.Describe()}, expected a month like 2010-09 (YYYY-MM)"));
            return null;
        }
        int idx = (ym.Value.Year * 12 + ym.Value.Month - 1) - (StartYear * 12 + StartMonth - 1);
        if (Valid && !allowOutside && (idx < 0 || idx >= Months))
        {
            errors.Add(new ScenarioError(n.File, n.Line, n.Column, path,
                $"month {n.Value} is outside the scenario horizon; expected a month from {Label(0)} to {Label(Months - 1)}"));
            return null;
        }
        return idx;
    }

    public string Label(int t)
    {
        int m0 = StartYear * 12 + StartMonth - 1 + t;
        return $"{m0 / 12:D4}-{m0 % 12 + 1:D2}";
    }
}
