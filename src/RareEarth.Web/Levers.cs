using System.Globalization;
using RareEarth.Scenarios;
using RareEarth.Scenarios.Yaml;

namespace RareEarth.Web;

/// <summary>
/// One control of the page. <c>Kind</c>: number, select, month (YYYY-MM) or length (whole months). Min/Max/Step only
/// size the slider; whether a value is accepted is the compiler's answer (the same words as <c>validate</c>).
/// </summary>
public sealed record Lever(string Id, string Group, string Label, string Kind, string Value, string? Unit = null,
    double? Min = null, double? Max = null, double? Step = null, IReadOnlyList<string>? Options = null, string? Help = null);

/// <summary>A group of levers (one event, one episode, one kind of parameter) as the page shows it.</summary>
public sealed record LeverGroup(string Title, string? Note, IReadOnlyList<Lever> Levers);

/// <summary>
/// A restriction episode: a restrictive export regime of one country and the later regime events of that country that
/// reach the same destination, until the first that relieves it (opens, or lets more through). Its start and length
/// are levers that move the months of its events.
/// </summary>
sealed record Episode(int Index, int First, IReadOnlyList<int> Chain, int? Relief, int StartMonth, int? Length);

/// <summary>
/// The levers of a scenario, generated from its events and parameters (export regimes and their episodes, quotas,
/// stockpiles, price floors, new capacity, hoarding, substitution R&amp;D), and their translation into the CLI's
/// <c>--set path=value</c> overrides: the page's values go through the same path as the command line.
/// </summary>
public sealed class LeverCatalog
{
    sealed record Def(Lever Lever, string? Path, Episode? Episode, bool IsLength);

    readonly Dictionary<string, Def> _defs = new(StringComparer.Ordinal);
    readonly Dictionary<int, string> _eventMonth = new();
    readonly IReadOnlyDictionary<string, string> _names;
    public IReadOnlyList<LeverGroup> Groups { get; }

    static readonly string[] RegimeChoices = { "open", "licence", "quota", "ban" };

    public LeverCatalog(CompiledScenario nominal)
    {
        var root = nominal.Document.Root;
        _names = RareEarth.Runner.Output.CountryNames.Of(nominal);
        var groups = new List<LeverGroup>();
        var events = root.Get("events") is { Kind: YKind.Seq } seq ? seq.Items : new List<YNode>();
        for (int i = 0; i < events.Count; i++)
            if (Text(events[i], "month") is { } mo && Month.TryParse(mo, out _)) _eventMonth[i] = mo;

        var episodes = FindEpisodes(events);
        foreach (var ep in episodes)
        {
            var first = events[ep.First];
            string title = $"Restriction {ep.Index + 1}: {Who(Text(first, "country"))} to {Dest(first)} from {_eventMonth[ep.First]}";
            var levers = new List<Lever> { Add(new Lever($"ep{ep.Index}.start", title, "starts", "month", _eventMonth[ep.First],
                Help: "moves every event of this restriction by the same number of months"), null, ep, false) };
            if (ep.Length is int len)
                levers.Add(Add(new Lever($"ep{ep.Index}.length", title, "lasts (months until relief)", "length", len.ToString(CultureInfo.InvariantCulture), "months", 0, 36, 1,
                    Help: $"months until the event of {_eventMonth[ep.Relief!.Value]} eases it; moves that event and the later ones of this restriction"), null, ep, true));
            groups.Add(new LeverGroup(title, Text(first, "note"), levers));
        }

        for (int i = 0; i < events.Count; i++)
        {
            var e = events[i];
            string type = Text(e, "type") ?? "";
            string when = _eventMonth.GetValueOrDefault(i, "?");
            var levers = new List<Lever>();
            string group;
            switch (type)
            {
                case "export_regime":
                    group = $"{when} export regime: {Who(Text(e, "country"))} to {Dest(e)} ({List(e, "materials")})";
                    levers.Add(Field(i, e, group, "regime", "regime", "select", options: RegimeChoices));
                    if (e.Get("approval") is not null || Text(e, "regime") == "licence") levers.Add(Field(i, e, group, "approval", "licence approval rate", "number", "share", 0, 1, 0.05, "0.9"));
                    if (e.Get("delay") is not null || Text(e, "regime") == "licence") levers.Add(Field(i, e, group, "delay", "licence delay", "number", "months", 0, 11, 1, "0"));
                    levers.Add(Field(i, e, group, "month", "month", "month"));
                    break;
                case "export_quota" when e.Get("tonnes_reo") is { IsNull: false }:
                    group = $"{when} export quota: {Who(Text(e, "country"))}";
                    levers.Add(Field(i, e, group, "tonnes_reo", "quota", "number", "t REO/yr", 0, null, 1000));
                    break;
                case "stockpile":
                    group = $"{when} stockpile programme: {Who(Text(e, "country"))} ({List(e, "materials")})";
                    levers.Add(Field(i, e, group, "target", "target", "number", "t", 0, null, 10));
                    levers.Add(Field(i, e, group, "fill_rate", "fill rate", "number", "t/month", 0, null, 1));
                    break;
                case "capacity_project":
                    group = $"{when} new capacity: {Text(e, "firm")}";
                    levers.Add(Field(i, e, group, "capacity", "capacity", "number", "t/yr", 0, null, 500));
                    levers.Add(Field(i, e, group, "lead_months", "lead time", "number", "months", 0, 120, 1));
                    break;
                case "capex_subsidy":
                    group = $"{when} investment subsidy: {Who(Text(e, "country"))}";
                    levers.Add(Field(i, e, group, "share", "share of capex paid", "number", "share", 0, 1, 0.05));
                    break;
                case "rnd_funding":
                    group = $"{when} substitution R&D funding: {Who(Text(e, "country"))}";
                    if (e.Get("firms") is not null) levers.Add(Field(i, e, group, "firms", "funding of firms' thrifting", "number", "stock", 0, null, 1));
                    if (e.Get("sectors") is not null) levers.Add(Field(i, e, group, "sectors", "funding of users' substitution", "number", "stock", 0, null, 0.5));
                    break;
                default:
                    continue;
            }
            if (levers.Count > 0) groups.Add(new LeverGroup(group, Text(e, "note"), levers));
        }

        var countries = root.Get("countries");
        var hoarding = new List<Lever>();
        var stockpiles = new List<Lever>();
        foreach (var code in nominal.Model.CountryIds)
        {
            var c = countries?.Get(code);
            if (c?.Get("hoarding_gain") is { Kind: YKind.Scalar, IsNull: false } h)
                hoarding.Add(Add(new Lever($"countries.{code}.hoarding_gain", "Hoarding", $"{code}: how hard buyers stock up on risk", "number", h.Value!, "gain", 0, 5, 0.1), $"countries.{code}.hoarding_gain"));
            if (c?.Get("stockpiles") is { Kind: YKind.Map } sp)
                foreach (var (mat, node) in sp.Entries)
                    foreach (var (key, label, unit, max, step) in new[]
                             {
                                 ("tonnes", "held at the start", "t", (double?)null, 10.0), ("release_shortage", "released from a shortage of", "share", 1, 0.01),
                                 ("release_price_multiple", "released from a price multiple of", "× normal", 100, 0.5),
                                 ("release_rate", "released per month at most", "t/month", null, 1.0),
                             })
                        if (node.Get(key) is { Kind: YKind.Scalar, IsNull: false } v)
                        {
                            string path = $"countries.{code}.stockpiles.{mat}.{key}";
                            stockpiles.Add(Add(new Lever(path, "Strategic stockpiles", $"{code} {mat}: {label}", "number", v.Value!, unit, 0, max, step), path));
                        }
        }
        if (stockpiles.Count > 0) groups.Add(new LeverGroup("Strategic stockpiles", "stocks a government holds and the rule that releases them", stockpiles));

        var floors = new List<Lever>();
        if (root.Get("price_floors") is { Kind: YKind.Map } pf)
            foreach (var (id, node) in pf.Entries)
                if (node.Get("price") is { Kind: YKind.Scalar, IsNull: false } p)
                {
                    string path = $"price_floors.{id}.price";
                    floors.Add(Add(new Lever(path, "Price floors", $"{id} ({Text(node, "material")}, {Text(node, "country")})", "number", p.Value!, "USD/kg", 0, null, 5, Help: Text(node, "note")), path));
                }
        if (floors.Count > 0) groups.Add(new LeverGroup("Price floors", "a guaranteed minimum price paid to a producer", floors));
        if (hoarding.Count > 0) groups.Add(new LeverGroup("Hoarding", "how strongly each country's buyers build stocks when they perceive risk", hoarding));
        const string held = "behaviour.held_stock_reroute_share";
        if (root.Get("behaviour")?.Get("held_stock_reroute_share") is { Kind: YKind.Scalar, IsNull: false } hs)
            groups.Add(new LeverGroup("Trade between countries", "what a country cut off from China can still buy from suppliers elsewhere", new List<Lever>
            {
                Add(new Lever(held, "Trade between countries", "share of the stock suppliers elsewhere hold back that a cut-off country can buy at its own price",
                    "number", hs.Value!, "share", 0, 1, 0.05, Help: "0: suppliers keep it (committed or held for a better price); 1: they sell it to the cut-off country. Japan's loss under a ban turns on it."), held),
            }));
        Groups = groups;
    }

    Lever Field(int i, YNode e, string group, string key, string label, string kind, string? unit = null, double? min = null, double? max = null,
        double? step = null, string? fallback = null, IReadOnlyList<string>? options = null)
    {
        string value = Text(e, key) ?? fallback ?? "";
        string path = $"events.{i}.{key}";
        var range = NumberRanges.For(path);
        // a slider's end: the scenario's own range when narrow, else a few times the value (any number can be typed)
        double? hi = max ?? (range is not null && range.Max <= 100 ? range.Max
            : double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? Math.Max(1, v * 3) : null);
        return Add(new Lever($"ev{i}.{key}", group, label, kind, value, unit, min ?? range?.Min, hi, step, options), path);
    }

    Lever Add(Lever l, string? path, Episode? ep = null, bool isLength = false)
    {
        _defs[l.Id] = new Def(l, path, ep, isLength);
        return l;
    }

    /// <summary>Every lever by id.</summary>
    public IEnumerable<Lever> All => _defs.Values.Select(d => d.Lever);

    /// <summary>
    /// The --set overrides for the page's values (only values that differ from the scenario's), and for each override
    /// path the lever that made it (so a compiler message lands next to its lever). A value no lever can take (an
    /// unknown lever, a length that is not a whole number) is reported in <paramref name="errors"/> by lever id.
    /// </summary>
    public List<string> Overrides(IReadOnlyDictionary<string, string>? values, Dictionary<string, string> origin, Dictionary<string, string> errors)
    {
        var sets = new Dictionary<string, string>(StringComparer.Ordinal);
        var shift = new Dictionary<int, int>();
        var shiftBy = new Dictionary<int, string>();
        foreach (var (id, raw) in values ?? new Dictionary<string, string>())
        {
            if (!_defs.TryGetValue(id, out var def)) { errors[id] = $"'{id}' is not a lever of this scenario"; continue; }
            string value = (raw ?? "").Trim();
            if (value == def.Lever.Value) continue;
            if (def.Episode is { } ep)
            {
                if (def.IsLength)
                {
                    if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int len) || len < 0)
                    { errors[id] = $"found '{value}', expected a whole number of months, 0 or more"; continue; }
                    int delta = len - ep.Length!.Value;
                    bool after = false;
                    foreach (int k in ep.Chain)
                    {
                        after |= k == ep.Relief;
                        if (after) { shift[k] = shift.GetValueOrDefault(k) + delta; shiftBy[k] = id; }
                    }
                }
                else
                {
                    if (!Month.TryParse(value, out int start)) { errors[id] = $"found '{value}', expected a month YYYY-MM"; continue; }
                    int delta = start - ep.StartMonth;
                    foreach (int k in ep.Chain) { shift[k] = shift.GetValueOrDefault(k) + delta; shiftBy[k] = id; }
                }
                continue;
            }
            sets[def.Path!] = value;
            origin[def.Path!] = id;
        }
        foreach (var (k, delta) in shift)
        {
            string path = $"events.{k}.month";
            if (delta == 0 || sets.ContainsKey(path)) continue; // the event's own month lever wins
            Month.TryParse(_eventMonth[k], out int m0);
            sets[path] = Month.Format(m0 + delta);
            origin[path] = shiftBy[k];
        }
        return sets.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}").ToList();
    }

    /// <summary>The restriction episodes of a scenario's events (see <see cref="Episode"/>).</summary>
    List<Episode> FindEpisodes(List<YNode> events)
    {
        var episodes = new List<Episode>();
        var used = new HashSet<int>();
        var regimes = Enumerable.Range(0, events.Count)
            .Where(i => Text(events[i], "type") == "export_regime" && _eventMonth.ContainsKey(i))
            .OrderBy(i => Month.Parse(_eventMonth[i])).ThenBy(i => i).ToList();
        foreach (int i in regimes)
        {
            if (used.Contains(i) || !Restrictive(events[i])) continue;
            var e = events[i];
            var chain = new List<int> { i };
            int? relief = null;
            double last = Approval(e);
            foreach (int k in regimes)
            {
                if (k == i || Month.Parse(_eventMonth[k]) <= Month.Parse(_eventMonth[i])) continue;
                var ek = events[k];
                if (Text(ek, "country") != Text(e, "country") || !Overlap(Dests(e), Dests(ek))) continue;
                chain.Add(k);
                double a = Approval(ek);
                if (relief is null && a > last) relief = k;
                last = a;
            }
            foreach (int k in chain) if (Dests(events[k]).SetEquals(Dests(e))) used.Add(k);
            int start = Month.Parse(_eventMonth[i]);
            episodes.Add(new Episode(episodes.Count, i, chain, relief, start, relief is int r ? Month.Parse(_eventMonth[r]) - start : null));
        }
        return episodes;
    }

    /// <summary>What share of exports a regime lets through, for ordering steps: open 1, a licence its approval rate less a delay's bite, ban 0.</summary>
    static double Approval(YNode e) => Text(e, "regime") switch
    {
        "open" => 1,
        "ban" => 0,
        "quota" => 0.5,
        _ => (double.TryParse(Text(e, "approval"), NumberStyles.Float, CultureInfo.InvariantCulture, out var a) ? a : 1)
             - (int.TryParse(Text(e, "delay"), out int d) ? d * 0.01 : 0),
    };

    static bool Restrictive(YNode e) => Approval(e) < 1;

    static HashSet<string> Dests(YNode e) => e.Get("to") switch
    {
        { Kind: YKind.Seq } s => s.Items.Select(x => x.Value ?? "").ToHashSet(),
        { Kind: YKind.Scalar, IsNull: false } v => new HashSet<string> { v.Value! },
        _ => new HashSet<string> { "all" },
    };

    static bool Overlap(HashSet<string> a, HashSet<string> b) => a.Contains("all") || b.Contains("all") || a.Overlaps(b);

    string Dest(YNode e) => string.Join(", ", Dests(e).Select(Who));
    string Who(string? code) => code is null ? "?" : code == "all" ? "all" : _names.TryGetValue(code, out var n) ? n : code;
    static string List(YNode e, string key) => e.Get(key) switch
    {
        { Kind: YKind.Seq } s => string.Join(", ", s.Items.Select(x => x.Value)),
        { Kind: YKind.Scalar } v => v.Value ?? "",
        _ => "",
    };
    static string? Text(YNode? n, string key) => n?.Get(key) is { Kind: YKind.Scalar, IsNull: false } v ? v.Value : null;
}

/// <summary>Calendar months as one integer (year × 12 + month − 1) and back, in the scenario's YYYY-MM form.</summary>
public static class Month
{
    public static bool TryParse(string? s, out int month)
    {
        month = 0;
        if (s is null || s.Length != 7 || s[4] != '-') return false;
        if (!int.TryParse(s.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out int y) ||
            !int.TryParse(s.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out int m) || m < 1 || m > 12) return false;
        month = y * 12 + m - 1;
        return true;
    }

    public static int Parse(string s) => TryParse(s, out int m) ? m : throw new FormatException(s);

    public static string Format(int month) => $"{month / 12:0000}-{month % 12 + 1:00}";
}
