using RareEarth.Engine;
using RareEarth.Scenarios.Yaml;
using R = RareEarth.Scenarios.NumberRanges;

namespace RareEarth.Scenarios;

/// <summary>
/// A declared uncertain parameter. normal: A = mean, B = sd; lognormal: A = mu, B = sigma;
/// uniform: A = min, B = max; triangular: A = min, B = max, C = mode; beta: A = alpha, B = beta on [C, D].
/// </summary>
public sealed record UncertainParameter(string Path, string Distribution, double A, double B, double C, double Nominal, double D = 1)
{
    /// <summary>Batches sample each parameter between its quantiles at this probability and 1 minus it.</summary>
    public const double TailProbability = 1e-12;
    /// <summary>
    /// The standard normal quantile at 1 - <see cref="TailProbability"/>, where 1 - 1e-12 is the double the sampler
    /// uses (a tail of 9.99978e-13, the wider of the two sides).
    /// </summary>
    public const double TailZ = 7.0344869100478356;

    /// <summary>The lowest and highest value a batch can draw.</summary>
    public (double Low, double High) Support => Distribution switch
    {
        "normal" => (A - TailZ * B, A + TailZ * B),
        "lognormal" => (Math.Exp(A - TailZ * B), Math.Exp(A + TailZ * B)),
        "beta" => (C, D),
        _ => (A, B),
    };
}

/// <summary>
/// A compiled scenario: the engine model plus what the runner needs to describe it. <see cref="Fixed"/> lists the
/// uncertain parameters that a --set override fixed (they are no longer under uncertain:).
/// </summary>
public sealed record CompiledScenario(Model Model, string Name, string Description, IReadOnlyList<UncertainParameter> Uncertain, ScenarioDocument Document)
{
    public IReadOnlyList<string> Fixed { get; init; } = Array.Empty<string>();
}

/// <summary>
/// Validates a resolved scenario and compiles it into the engine's flat <see cref="Model"/>.
/// Every problem is collected with file, line, column and key path; nothing is compiled if any is found.
/// </summary>
public static class ScenarioCompiler
{
    static readonly string[] Regimes = { "open", "quota", "licence", "ban" };
    /// <summary>Whether an event or price floor also happens in the world without the confrontation (default: drop).</summary>
    static readonly string[] CounterfactualChoices = { "drop", "keep" };
    static readonly string[] Kinds = { "concentrate", "oxide", "metal", "magnet", "other" };
    static readonly string[] Distributions = { "normal", "lognormal", "uniform", "triangular", "beta" };
    static readonly string[] EventTypes =
        { "export_regime", "export_duty", "export_quota", "embedded_rule", "capacity_project", "offtake_break",
          "stockpile", "capex_subsidy", "rnd_funding", "production_quota", "announcement", "enforcement" };
    static readonly string[] StockRules = { "trader", "reserve" };
    static string HoldProcess(string material) => "hold_" + material;

    /// <summary>Loads, validates and compiles a scenario file; throws <see cref="ScenarioException"/> listing every problem.</summary>
    public static CompiledScenario LoadAndCompile(string path, IEnumerable<string>? overrides = null)
    {
        var errors = new List<ScenarioError>();
        var doc = ScenarioLoader.Load(path, overrides ?? Array.Empty<string>(), errors);
        if (doc is null) throw new ScenarioException(errors);
        var fixedPaths = FixOverridden(doc);
        var result = TryCompile(doc, errors); // keep going after override errors: report everything at once
        if (result is null || errors.Count > 0) throw new ScenarioException(errors);
        return result with { Fixed = fixedPaths };
    }

    /// <summary>
    /// A --set on a parameter declared under uncertain: (or on a section holding it, like events) fixes it:
    /// the declaration is dropped, so batches no longer sample it and the value set is the one every run uses.
    /// Returns the dropped paths.
    /// </summary>
    static List<string> FixOverridden(ScenarioDocument doc)
    {
        var dropped = new List<string>();
        if (doc.Root.Get("uncertain") is not { Kind: YKind.Map } u) return dropped;
        var set = doc.Overrides.Select(o => o[..Math.Max(0, o.IndexOf('='))].Trim()).Where(p => p.Length > 0).ToList();
        var keep = u.ShallowClone();
        foreach (var (path, _) in u.Entries)
            if (set.Any(p => path == p || path.StartsWith(p + ".", StringComparison.Ordinal)))
            {
                keep.Remove(path);
                dropped.Add(path);
            }
        if (dropped.Count > 0) doc.Root.Set("uncertain", keep);
        return dropped;
    }

    public static CompiledScenario Compile(ScenarioDocument doc)
    {
        var errors = new List<ScenarioError>();
        var result = TryCompile(doc, errors);
        if (result is null || errors.Count > 0) throw new ScenarioException(errors);
        return result;
    }

    public static CompiledScenario? TryCompile(ScenarioDocument doc, List<ScenarioError> errors)
    {
        var cal = new Calendar();
        var top = new MapScope(doc.Root, "", errors, cal);
        string name = top.Str("name", required: true) ?? "";
        string description = top.Str("description") ?? "";
        // false: no run is paired with a counterfactual run (batch --no-counterfactual sets it; costs are then not compared)
        bool pairCounterfactual = top.Bool("counterfactual", true);

        // calendar first: every dated key is checked against it
        var startNode = top.Raw("start");
        var endNode = top.Raw("end");
        var start = Calendar.ParseText(startNode?.Value);
        var end = Calendar.ParseText(endNode?.Value);
        if (startNode is null) top.ErrorHere("start: missing; expected the first month, like 2010-01");
        else if (start is null) top.Error(startNode, "start", $"found {startNode.Describe()}, expected a month like 2010-01 (YYYY-MM)");
        if (endNode is null) top.ErrorHere("end: missing; expected the last month, like 2015-12");
        else if (end is null) top.Error(endNode, "end", $"found {endNode.Describe()}, expected a month like 2015-12 (YYYY-MM)");
        if (start is not null && end is not null)
        {
            cal.StartYear = start.Value.Year; cal.StartMonth = start.Value.Month;
            cal.Months = (end.Value.Year * 12 + end.Value.Month) - (start.Value.Year * 12 + start.Value.Month) + 1;
            if (cal.Months < 2 || cal.Months > 1200) top.Error(endNode!, "end", $"the horizon is {cal.Months} months; expected 2 to 1200 months after start");
            else cal.Valid = true;
        }
        int T = Math.Max(cal.Months, 1);

        var behaviour = ReadBehaviour(top.Sub("behaviour"));

        // ---- materials ----
        var materials = top.Sub("materials", required: true);
        var mIds = new List<string>(); var mKinds = new List<string>(); var refPrice = new List<double>();
        var minPrice = new List<double>(); var handling = new List<double>(); var reo = new List<double>(); var cover = new List<double>();
        var qualification = new List<double>();
        if (materials is not null)
            foreach (var (id, ms) in materials.Children())
            {
                mIds.Add(id);
                mKinds.Add(ms.OneOf("kind", Kinds, required: true) ?? "other");
                ms.Str("name"); ms.Str("unit"); ms.Str("source");
                int before = errors.Count;
                double rp = ms.Num(R.RefPrice, 1, required: true);
                bool rpValid = errors.Count == before;
                refPrice.Add(rp);
                double mp = ms.Num(R.MinPrice, rp * 0.05);
                minPrice.Add(rpValid ? ms.AtMost(R.MinPrice, mp, rp, rp * 0.05) : mp);
                double hc = ms.Num(R.HandlingCost, minPrice[^1]);
                handling.Add(rpValid ? ms.AtMost(R.HandlingCost, hc, rp, minPrice[^1]) : hc);
                reo.Add(ms.Num(R.ReoContent, 1));
                cover.Add(ms.Num(R.MaxOutputCover, 6));
                qualification.Add(ms.Num(R.QualificationMonths, 6));
                ms.Done();
            }
        int M = mIds.Count;

        // ---- processes ----
        var processes = top.Sub("processes", required: true);
        var procs = new List<ProcessSpec>();
        var pIds = new List<string>();
        if (processes is not null)
            foreach (var (id, ps) in processes.Children())
            {
                var inputs = ps.MaterialVector("inputs", mIds, R.ProcessInput);
                var outputs = ps.MaterialVector("outputs", mIds, R.ProcessOutput);
                var thrift = new bool[M];
                var tn = ps.Raw("thriftable");
                if (tn is not null)
                {
                    var mask = ps.Mask("thriftable", mIds, "material");
                    if (mask is not null)
                        for (int i = 0; i < M; i++)
                        {
                            thrift[i] = mask[i];
                            if (mask[i] && inputs[i] <= 0) ps.Error(tn, "thriftable", $"material '{mIds[i]}' is not an input of this process");
                        }
                }
                if (outputs.All(o => o <= 0)) ps.ErrorHere("outputs: a process must produce at least one material");
                pIds.Add(id);
                procs.Add(new ProcessSpec
                {
                    Id = id, Stage = ps.Str("stage", required: true) ?? "", Inputs = inputs, Outputs = outputs,
                    Thriftable = thrift, IsRecycling = ps.Bool("recycling", false),
                    GradeSubstitution = ps.Num(R.GradeSubstitution, 0), GradeElasticity = ps.Num(R.GradeElasticity, 0),
                });
                ps.Done();
            }
        // speculative stockholders hold one material each: a process that keeps it (in = out, never run)
        if (top.Node.Get("stockholders") is { Kind: YKind.Map } holderNode)
            foreach (var (_, hn) in holderNode.Entries)
                if (hn.Kind == YKind.Map && hn.Get("material")?.Value is { } held && mIds.IndexOf(held) is var hm and >= 0 &&
                    !pIds.Contains(HoldProcess(held)))
                {
                    var io = new double[M]; io[hm] = 1;
                    pIds.Add(HoldProcess(held));
                    procs.Add(new ProcessSpec { Id = HoldProcess(held), Stage = ProcessSpec.StockholdingStage, Inputs = io, Outputs = (double[])io.Clone(), Thriftable = new bool[M] });
                }
        int P = procs.Count;

        // ---- countries and price regions ----
        var countries = top.Sub("countries", required: true);
        var cIds = countries is null ? new List<string>() : countries.Node.Entries.Select(e => e.Key).ToList();
        int C = cIds.Count;
        foreach (var (cid, cnode) in countries?.Node.Entries ?? new())
            if (!IsCountryCode(cid))
                countries!.Error(cnode, cid, $"country id '{cid}' is not an ISO 3166 alpha-2 code or a documented bloc code (EU)");
        var region = ReadRegions(top, cIds);

        var regime = new RegimeKind[C * M * C]; var approval = new double[C * M * C]; var delay = new int[C * M * C];
        Array.Fill(approval, 1.0);
        var duty = new double[C * M]; var quota = new double[C]; Array.Fill(quota, double.PositiveInfinity);
        var quotaCovers = new bool[C * M]; var embedded = new double[C]; Array.Fill(embedded, double.PositiveInfinity);
        var hoard = new double[C]; var halfLife = new double[C]; var relaxShare = new double[C]; var relaxStep = new double[C];
        var prodQuota = new double[C * P]; Array.Fill(prodQuota, double.PositiveInfinity);
        var sp0 = new double[C * M]; var spTarget = new double[C * M]; var spFill = new double[C * M];
        var spMaxPrice = new double[C * M]; var spRelShort = new double[C * M]; var spRelPrice = new double[C * M]; var spRelRate = new double[C * M];
        Array.Fill(spMaxPrice, 2.0);
        if (countries is not null)
            foreach (var (cid, cs) in countries.Children())
            {
                int c = cIds.IndexOf(cid);
                cs.Str("name"); cs.Str("source");
                hoard[c] = cs.Num(R.HoardingGain, 1.0);
                halfLife[c] = cs.Num(R.RiskHalfLife, 6);
                var ex = cs.Raw("export");
                if (ex is not null)
                {
                    if (ex.Kind != YKind.Seq) cs.Error(ex, "export", $"found {ex.Describe()}, expected a list of regimes");
                    else
                        for (int i = 0; i < ex.Items.Count; i++)
                        {
                            if (ex.Items[i].Kind != YKind.Map) { cs.Error(ex.Items[i], $"export.{i}", "expected a mapping"); continue; }
                            var rs = new MapScope(ex.Items[i], $"{cs.Path}.export.{i}", errors, cal);
                            var mats = rs.Mask("materials", mIds, "material");
                            var dests = rs.Mask("to", cIds, "country");
                            var kind = ParseRegime(rs.OneOf("regime", Regimes, required: true));
                            double ap = rs.Num(R.RegimeApproval, kind == RegimeKind.Licence ? 0.5 : 1);
                            int dl = rs.Int(R.RegimeDelay, 0);
                            rs.Str("note"); rs.Str("source");
                            rs.Done();
                            if (mats is null || dests is null) continue;
                            for (int mat = 0; mat < M; mat++)
                                for (int d = 0; d < C; d++)
                                {
                                    if (!mats[mat] || !dests[d] || d == c) continue;
                                    int k = (c * M + mat) * C + d;
                                    regime[k] = kind; approval[k] = kind == RegimeKind.Ban ? 0 : ap; delay[k] = dl;
                                }
                        }
                }
                var duties = cs.MaterialVector("duties", mIds, R.Duty);
                for (int mat = 0; mat < M; mat++) duty[c * M + mat] = duties[mat];
                var q = cs.Sub("export_quota");
                if (q is not null)
                {
                    quota[c] = q.Num(R.QuotaTonnes, double.PositiveInfinity, required: true);
                    var mask = q.Mask("materials", mIds, "material");
                    if (mask is not null) for (int mat = 0; mat < M; mat++) quotaCovers[c * M + mat] = mask[mat];
                    q.Str("source"); q.Done();
                }
                if (cs.Has("embedded_rule_share")) embedded[c] = cs.Num(R.EmbeddedRuleShare, double.PositiveInfinity);
                else cs.Raw("embedded_rule_share");
                var pq = cs.Sub("production_quota");
                if (pq is not null)
                    foreach (var (pid, pnode) in pq.Node.Entries)
                    {
                        int p = pIds.IndexOf(pid);
                        if (p < 0) { pq.Error(pnode, pid, $"unknown process '{pid}'" + Suggest.For(pid, pIds)); continue; }
                        prodQuota[c * P + p] = pq.ParseNum(pnode, pid, R.ProductionQuota, double.PositiveInfinity);
                    }
                var relax = cs.Sub("relax_controls");
                if (relax is not null)
                {
                    relaxShare[c] = relax.Num(R.RelaxRevenueShare, 0, required: true);
                    relaxStep[c] = relax.Num(R.RelaxStep, 0.05);
                    relax.Done();
                }
                var sps = cs.Sub("stockpiles");
                if (sps is not null)
                    foreach (var (mid, ss) in sps.Children())
                    {
                        int mat = mIds.IndexOf(mid);
                        if (mat < 0) { sps.Error(ss.Node, mid, $"unknown material '{mid}'" + Suggest.For(mid, mIds)); continue; }
                        int k = c * M + mat;
                        sp0[k] = ss.Num(R.StockpileTonnes, 0);
                        spTarget[k] = ss.Num(R.StockpileTarget, sp0[k]);
                        spFill[k] = ss.Num(R.StockpileFillRate, 0);
                        spMaxPrice[k] = ss.Num(R.StockpileMaxPrice, 2);
                        spRelShort[k] = ss.Num(R.StockpileReleaseShortage, 0);
                        spRelPrice[k] = ss.Num(R.StockpileReleasePrice, 0);
                        spRelRate[k] = ss.Num(R.StockpileReleaseRate, 0);
                        ss.Str("source"); ss.Done();
                    }
                cs.Done();
            }

        // ---- firms ----
        var firms = top.Sub("firms", required: true);
        var fIds = new List<string>();
        var fCountry = new List<int>(); var fProc = new List<int>(); var fCap = new List<double>(); var fCost = new List<double>();
        var fInv = new List<double[]>(); var fCov = new List<double>(); var fUtil = new List<double>();
        var fHurdle = new List<double>(); var fGrowth = new List<double>(); var fMinProj = new List<double>();
        var fLead = new List<int>(); var fRamp = new List<int>();
        var fRndRate = new List<double>(); var fRndHalf = new List<double>(); var fThrift = new List<double>(); var fRndLag = new List<int>();
        var fChoke = new List<double>(); var fCash = new List<double>(); var fCashMonths = new List<double>();
        var fUnreported = new List<double>(); var fEnforcement = new List<double>();
        var fHeld = new List<int>(); var fRule = new List<StockRule>();
        var hCarry = new List<double>(); var hBuyBelow = new List<double>(); var hSellAbove = new List<double>(); var hRate = new List<double>();
        if (firms is not null)
            foreach (var (id, fs) in firms.Children())
            {
                fIds.Add(id);
                fs.Str("name"); fs.Str("source");
                fCountry.Add(fs.Ref("country", cIds, "country"));
                int p = fs.Ref("process", pIds, "process");
                fProc.Add(Math.Max(p, 0));
                double cap = fs.Num(R.Capacity, 0, required: true);
                fCap.Add(cap);
                double unitCost = fs.Num(R.UnitCost, 0, required: true);
                fCost.Add(unitCost);
                fCash.Add(fs.AtMost(R.CashCost, fs.Num(R.CashCost, unitCost), unitCost, unitCost)); // default: no capital charge stated
                fCashMonths.Add(fs.Num(R.CashMonths, double.PositiveInfinity));
                var unreported = fs.Sub("unreported");
                fUnreported.Add(unreported?.Num(R.UnreportedElasticity, 1.0) ?? double.NaN);
                fEnforcement.Add(unreported?.Num(R.Enforcement, 0) ?? 0);
                unreported?.Str("source"); unreported?.Done();
                fHeld.Add(-1); fRule.Add(StockRule.Trader); hCarry.Add(0); hBuyBelow.Add(0); hSellAbove.Add(0); hRate.Add(0);
                var inv = fs.MaterialVector("inventory", mIds, R.Inventory);
                double outMonths = fs.Num(R.InventoryMonths, 1);
                double coverage = fs.Num(R.InputCoverage, 2);
                double util = fs.Num(R.Utilisation, 0.8);
                // unless given explicitly: output stock of `inventory_months`, input stock at the target coverage
                if (p >= 0 && !fs.Has("inventory"))
                    for (int mat = 0; mat < M; mat++)
                        inv[mat] = cap / 12.0 * util * (outMonths * procs[p].Outputs[mat] + coverage * procs[p].Inputs[mat]);
                fInv.Add(inv);
                fCov.Add(coverage);
                fUtil.Add(util);
                fChoke.Add(fs.Num(R.FirmChoke, double.PositiveInfinity));
                var inv2 = fs.Sub("invest");
                fHurdle.Add(inv2?.Num(R.Hurdle, 0.2) ?? 0.2);
                fGrowth.Add(inv2?.Num(R.MaxGrowth, 0) ?? 0);
                fMinProj.Add(inv2?.Num(R.MinProject, 0) ?? 0);
                fLead.Add(inv2?.Int(R.LeadMonths, 36) ?? 36);
                fRamp.Add(inv2?.Int(R.RampMonths, 12) ?? 12);
                inv2?.Str("source"); inv2?.Done();
                var rnd = fs.Sub("rnd");
                fRndRate.Add(rnd?.Num(R.RndRate, 0) ?? 0);
                fRndHalf.Add(rnd?.Num(R.RndHalf, 1) ?? 1);
                fThrift.Add(rnd?.Num(R.MaxThrift, 0) ?? 0);
                fRndLag.Add(rnd?.Int(R.RndLag, 24) ?? 24);
                rnd?.Str("source"); rnd?.Done();
                fs.Done();
            }
        ReadStockholders(top, fIds, cIds, mIds, pIds, procs, fCountry, fProc, fCap, fCost, fCash, fCashMonths, fInv, fCov, fUtil,
            fHurdle, fGrowth, fMinProj, fLead, fRamp, fRndRate, fRndHalf, fThrift, fRndLag, fChoke, fUnreported, fEnforcement,
            fHeld, fRule, hCarry, hBuyBelow, hSellAbove, hRate);
        int F = fIds.Count;
        var fInvFlat = new double[F * M];
        for (int f = 0; f < F; f++) Array.Copy(fInv[f], 0, fInvFlat, f * M, M);

        // ---- sectors ----
        var sectors = top.Sub("sectors", required: true);
        var sIds = new List<string>(); var sNames = new List<string>(); var sCountry = new List<int>(); var sMat = new List<int>();
        var sDem = new List<double>(); var sGrowth = new List<double>(); var sEl = new List<double>(); var sChoke = new List<double>();
        var sShare = new List<double>(); var sProdEl = new List<double>();
        var sCov = new List<double>(); var sStock = new List<double>(); var sLoss = new List<double>();
        var sSubMax = new List<double>(); var sSubRate = new List<double>(); var sSubHalf = new List<double>(); var sSubLag = new List<int>();
        var sLife = new List<double?>();
        // scrap: swarf from magnet making and collected end-of-life magnets feed the recyclers (docs/model.md)
        var scrap = top.Sub("scrap");
        double swarf = scrap?.Num(R.MagnetSwarf, 0) ?? 0, collection = scrap?.Num(R.EndOfLifeCollection, 0) ?? 0;
        double lifetime = scrap?.Num(R.Lifetime, 0) ?? 0;
        scrap?.Str("source"); scrap?.Done();
        if (sectors is not null)
            foreach (var (id, ss) in sectors.Children())
            {
                sIds.Add(id);
                sNames.Add(ss.Str("name") ?? id);
                ss.Str("source");
                sCountry.Add(ss.Ref("country", cIds, "country"));
                sMat.Add(Math.Max(0, ss.Ref("material", mIds, "material")));
                sDem.Add(ss.Num(R.Demand, 0, required: true));
                sGrowth.Add(ss.Num(R.Growth, 0));
                sEl.Add(ss.Num(R.Elasticity, 0.05));
                sChoke.Add(ss.Num(R.SectorChoke, double.PositiveInfinity));
                sShare.Add(ss.Num(R.CostShare, 0));
                sProdEl.Add(ss.Num(R.ProductElasticity, 1));
                sCov.Add(ss.Num(R.Coverage, 3));
                sStock.Add(ss.Num(R.StockMonths, 3));
                sLoss.Add(ss.Num(R.LossPerTonne, 0));
                sLife.Add(ss.Has("lifetime_years") ? ss.Num(R.SectorLifetime, 0) : null);
                var sub = ss.Sub("substitution");
                sSubMax.Add(sub?.Num(R.SubstMaxShare, 0) ?? 0);
                sSubRate.Add(sub?.Num(R.SubstRate, 0) ?? 0);
                sSubHalf.Add(sub?.Num(R.SubstHalf, 1) ?? 1);
                sSubLag.Add(sub?.Int(R.SubstLag, 36) ?? 36);
                sub?.Str("source"); sub?.Done();
                ss.Done();
            }

        // ---- offtakes ----
        var offtakes = top.Sub("offtakes");
        var oIds = new List<string>(); var oFirm = new List<int>(); var oBuyer = new List<int>(); var oMat = new List<int>();
        var oTpm = new List<double>(); var oStart = new List<int>(); var oEnd = new List<int>();
        if (offtakes is not null)
            foreach (var (id, os) in offtakes.Children())
            {
                oIds.Add(id);
                oFirm.Add(Math.Max(0, os.Ref("seller", fIds, "firm")));
                oBuyer.Add(Math.Max(0, os.Ref("buyer", cIds, "country")));
                oMat.Add(Math.Max(0, os.Ref("material", mIds, "material")));
                oTpm.Add(os.Num(R.OfftakeTonnes, 0, required: true) / 12.0);
                oStart.Add(os.Month("start", 0, allowOutside: true));
                oEnd.Add(os.Month("end", int.MaxValue, allowOutside: true));
                os.Str("source"); os.Str("note");
                os.Done();
            }

        // ---- price floors ----
        var floors = top.Sub("price_floors");
        var flC = new List<int>(); var flF = new List<int>(); var flM = new List<int>(); var flP = new List<double>();
        var flS = new List<int>(); var flE = new List<int>(); var flK = new List<bool>();
        if (floors is not null)
            foreach (var (id, fl) in floors.Children())
            {
                flC.Add(Math.Max(0, fl.Ref("country", cIds, "country")));
                flF.Add(Math.Max(0, fl.Ref("firm", fIds, "firm")));
                flM.Add(Math.Max(0, fl.Ref("material", mIds, "material")));
                flP.Add(fl.Num(R.FloorPrice, 0, required: true));
                flS.Add(fl.Month("start", 0, allowOutside: true));
                flE.Add(fl.Month("end", int.MaxValue, allowOutside: true));
                flK.Add(fl.OneOf("counterfactual", CounterfactualChoices) == "keep");
                fl.Str("source"); fl.Str("note");
                fl.Done();
            }

        // ---- events ----
        var events = ReadEvents(top, errors, cal, mIds, cIds, fIds, pIds, oIds);
        int shock = top.Month("shock", -1);
        if (!top.Has("shock"))
            shock = events.Where(e => e.IsConfrontation).Select(e => e.Month).DefaultIfEmpty(-1).Min();

        var uncertain = ReadUncertain(top, doc.Root, errors);
        top.Done();

        if (errors.Count > 0 || !cal.Valid) return null;

        var model = new Model
        {
            StartYear = cal.StartYear, StartMonth = cal.StartMonth, Months = cal.Months, ShockMonth = shock,
            MaterialIds = mIds.ToArray(), MaterialKinds = mKinds.ToArray(), RefPrice = refPrice.ToArray(),
            MinPrice = minPrice.ToArray(), ReoContent = reo.ToArray(), MaxOutputCover = cover.ToArray(), HandlingCost = handling.ToArray(),
            QualificationMonths = qualification.ToArray(),
            RegionIds = region.Ids, Processes = procs.ToArray(),
            CountryIds = cIds.ToArray(), CountryRegion = region.Of,
            RegimeKind0 = regime, RegimeApproval0 = approval, RegimeDelay0 = delay, Duty0 = duty,
            Quota0 = quota, QuotaCovers0 = quotaCovers, EmbeddedShare0 = embedded, HoardingGain = hoard, RiskHalfLife = halfLife,
            RelaxRevenueShare = relaxShare, RelaxStep = relaxStep, ProductionQuota0 = prodQuota,
            Stockpile0 = sp0, StockpileTarget0 = spTarget, StockpileFillRate = spFill, StockpileMaxPriceMultiple = spMaxPrice,
            StockpileReleaseShortage = spRelShort, StockpileReleasePrice = spRelPrice, StockpileReleaseRate = spRelRate,
            FirmIds = fIds.ToArray(), FirmCountry = fCountry.ToArray(), FirmProcess = fProc.ToArray(), FirmCapacity0 = fCap.ToArray(),
            FirmUnitCost = fCost.ToArray(), FirmInventory0 = fInvFlat, FirmInputCoverage = fCov.ToArray(),
            FirmInitialUtilisation = fUtil.ToArray(), FirmHurdle = fHurdle.ToArray(), FirmMaxGrowth = fGrowth.ToArray(),
            FirmMinProject = fMinProj.ToArray(), FirmLeadMonths = fLead.ToArray(), FirmRampMonths = fRamp.ToArray(),
            FirmRndRate = fRndRate.ToArray(), FirmRndHalf = fRndHalf.ToArray(), FirmMaxThrift = fThrift.ToArray(),
            FirmRndLag = fRndLag.ToArray(), FirmChokeMultiple = fChoke.ToArray(),
            FirmCashCost = fCash.ToArray(), FirmCashMonths = fCashMonths.ToArray(),
            FirmUnreportedElasticity = fUnreported.ToArray(), FirmEnforcement0 = fEnforcement.ToArray(),
            FirmHeldMaterial = fHeld.ToArray(), FirmStockRule = fRule.ToArray(), StockCarry = hCarry.ToArray(),
            StockBuyBelow = hBuyBelow.ToArray(), StockSellAbove = hSellAbove.ToArray(), StockRate = hRate.ToArray(),
            SectorIds = sIds.ToArray(), SectorNames = sNames.ToArray(), SectorCountry = sCountry.ToArray(), SectorMaterial = sMat.ToArray(),
            SectorDemand0 = sDem.ToArray(), SectorGrowth = sGrowth.ToArray(), SectorElasticity = sEl.ToArray(),
            SectorChokeMultiple = sChoke.ToArray(), SectorCostShare = sShare.ToArray(), SectorProductElasticity = sProdEl.ToArray(), SectorCoverage = sCov.ToArray(), SectorStock0 = sStock.ToArray(),
            SectorLossPerTonne = sLoss.ToArray(), SectorSubstMax = sSubMax.ToArray(), SectorSubstRate = sSubRate.ToArray(),
            SectorSubstHalf = sSubHalf.ToArray(), SectorSubstLag = sSubLag.ToArray(),
            MagnetSwarf = swarf, EndOfLifeCollection = collection,
            // only magnets come back as scrap; a sector's own lifetime overrides the world's
            SectorLifetimeMonths = sLife.Select((l, i) => mKinds.Count > 0 && mKinds[sMat[i]] == "magnet" ? (int)Math.Round(12 * (l ?? lifetime)) : 0).ToArray(),
            OfftakeIds = oIds.ToArray(), OfftakeFirm = oFirm.ToArray(), OfftakeBuyer = oBuyer.ToArray(), OfftakeMaterial = oMat.ToArray(),
            OfftakeTonnesPerMonth = oTpm.ToArray(), OfftakeStart = oStart.ToArray(), OfftakeEnd = oEnd.ToArray(),
            FloorCountry = flC.ToArray(), FloorFirm = flF.ToArray(), FloorMaterial = flM.ToArray(), FloorPrice = flP.ToArray(),
            FloorStart = flS.ToArray(), FloorEnd = flE.ToArray(), FloorInCounterfactual = flK.ToArray(),
            Behaviour = behaviour, Events = events.ToArray(), CounterfactualOff = !pairCounterfactual,
        };
        return new CompiledScenario(model, name, description, uncertain, doc);
    }

    /// <summary>
    /// Speculative stockholders (<c>stockholders:</c>): each is compiled as a firm of the material's hold process
    /// (stage <see cref="ProcessSpec.StockholdingStage"/>), so that it buys and sells in the market like a firm; its capacity is the
    /// most it holds (t), its stock starts at <c>tonnes</c>, and <see cref="Engine.Phases.Speculators"/> sets its bids and offers.
    /// </summary>
    static void ReadStockholders(MapScope top, List<string> fIds, List<string> cIds, List<string> mIds, List<string> pIds, List<ProcessSpec> procs,
        List<int> fCountry, List<int> fProc, List<double> fCap, List<double> fCost, List<double> fCash, List<double> fCashMonths,
        List<double[]> fInv, List<double> fCov, List<double> fUtil, List<double> fHurdle, List<double> fGrowth, List<double> fMinProj,
        List<int> fLead, List<int> fRamp, List<double> fRndRate, List<double> fRndHalf, List<double> fThrift, List<int> fRndLag,
        List<double> fChoke, List<double> fUnreported, List<double> fEnforcement, List<int> fHeld, List<StockRule> fRule,
        List<double> hCarry, List<double> hBuyBelow, List<double> hSellAbove, List<double> hRate)
    {
        var holders = top.Sub("stockholders");
        if (holders is null) return;
        int M = mIds.Count;
        foreach (var (id, hs) in holders.Children())
        {
            if (fIds.Contains(id)) hs.ErrorHere($"'{id}' is already a firm; a stockholder needs its own id");
            fIds.Add(id);
            hs.Str("name"); hs.Str("source");
            fCountry.Add(hs.Ref("country", cIds, "country"));
            int mat = hs.Ref("material", mIds, "material");
            int p = mat >= 0 ? pIds.IndexOf(HoldProcess(mIds[mat])) : -1;
            fProc.Add(Math.Max(p, 0));
            var rule = hs.OneOf("rule", StockRules, required: true) == "reserve" ? StockRule.Reserve : StockRule.Trader;
            double cap = hs.Num(R.StockCapacity, 0, required: true);
            double tonnes = hs.AtMost(R.StockTonnes, hs.Num(R.StockTonnes, 0), cap, 0);
            var inv = new double[M];
            if (mat >= 0) inv[mat] = tonnes;
            fCap.Add(cap); fCost.Add(0); fCash.Add(0); fCashMonths.Add(double.PositiveInfinity);
            fInv.Add(inv); fCov.Add(0); fUtil.Add(0);
            fHurdle.Add(0); fGrowth.Add(0); fMinProj.Add(0); fLead.Add(0); fRamp.Add(1);
            fRndRate.Add(0); fRndHalf.Add(1); fThrift.Add(0); fRndLag.Add(1); fChoke.Add(double.PositiveInfinity);
            fUnreported.Add(double.NaN); fEnforcement.Add(0);
            fHeld.Add(mat); fRule.Add(rule);
            hCarry.Add(hs.Num(R.StockCarry, 0.1));
            hBuyBelow.Add(hs.Num(R.StockBuyBelow, 0.8));
            hSellAbove.Add(hs.Num(R.StockSellAbove, 1.5));
            hRate.Add(hs.Num(R.StockRate, 0, required: true));
            hs.Done();
        }
    }

    static bool IsCountryCode(string id) => id == "EU" || (id.Length == 2 && char.IsAsciiLetterUpper(id[0]) && char.IsAsciiLetterUpper(id[1]));

    static RegimeKind ParseRegime(string? s) => s switch
    {
        "quota" => RegimeKind.Quota,
        "licence" => RegimeKind.Licence,
        "ban" => RegimeKind.Ban,
        _ => RegimeKind.Open,
    };

    static (string[] Ids, int[] Of) ReadRegions(MapScope top, List<string> cIds)
    {
        var of = new int[cIds.Count];
        Array.Fill(of, 1);
        var ids = new[] { "CN", "ROW" };
        var n = top.Raw("price_regions");
        if (n is null) { top.ErrorHere("price_regions: missing; expected two regions, e.g. {CN: [CN], ROW: rest}"); return (ids, of); }
        if (n.Kind != YKind.Map || n.Entries.Count != 2)
        {
            top.Error(n, "price_regions", $"found {n.Describe()} with {n.Entries.Count} entries, expected exactly two regions: the controlling supplier's (a list of countries) and the rest ('rest')");
            return (ids, of);
        }
        var scope = new MapScope(n, "price_regions", top.Errors, top.Cal);
        ids = new[] { n.Entries[0].Key, n.Entries[1].Key };
        var inner = n.Entries[0].Value;
        var mask = scope.Mask(ids[0], cIds, "country");
        if (mask is not null) for (int c = 0; c < cIds.Count; c++) if (mask[c]) of[c] = 0;
        if (mask is not null && mask.Count(x => x) != 1)
            scope.Error(inner, ids[0], "expected exactly one country in the controlling region (the engine models one controlling exporter)");
        var rest = n.Entries[1].Value;
        if (rest.Value != "rest") scope.Error(rest, ids[1], $"found {rest.Describe()}, expected 'rest'");
        return (ids, of);
    }

    static Behaviour ReadBehaviour(MapScope? b)
    {
        var d = new Behaviour();
        if (b is null) return d;
        var r = d with
        {
            ExpectationAlpha = b.Num(R.ExpectationAlpha, d.ExpectationAlpha),
            LongExpectationAlpha = b.Num(R.LongExpectationAlpha, d.LongExpectationAlpha),
            SellerReserve = b.Num(R.SellerReserve, d.SellerReserve),
            OfferSpread = b.Num(R.OfferSpread, d.OfferSpread),
            RestockMonths = b.Num(R.RestockMonths, d.RestockMonths),
            UtilisationAdjustMonths = b.Num(R.UtilisationAdjustMonths, d.UtilisationAdjustMonths),
            StockElasticity = b.Num(R.StockElasticity, d.StockElasticity),
            MinUtilisation = b.Num(R.MinUtilisation, d.MinUtilisation),
            RiskOnControl = b.Num(R.RiskOnControl, d.RiskOnControl),
            RiskOnShortage = b.Num(R.RiskOnShortage, d.RiskOnShortage),
            RiskOnPriceJump = b.Num(R.RiskOnPriceJump, d.RiskOnPriceJump),
            ApprovalConcentration = b.Num(R.ApprovalConcentration, d.ApprovalConcentration),
            InvestmentBand = b.Num(R.InvestmentBand, d.InvestmentBand),
            ChokeExponent = b.Num(R.ChokeExponent, d.ChokeExponent),
            FirmElasticity = b.Num(R.FirmElasticity, d.FirmElasticity),
            SupplierTieMonths = b.Num(R.SupplierTieMonths, d.SupplierTieMonths),
            SupplierTieHeadroom = b.Num(R.SupplierTieHeadroom, d.SupplierTieHeadroom),
            SupplierContractShare = b.Num(R.SupplierContractShare, d.SupplierContractShare),
            HeldStockRerouteShare = b.Num(R.HeldStockRerouteShare, d.HeldStockRerouteShare),
            SubstitutionElasticity = b.Num(R.SubstitutionElasticity, d.SubstitutionElasticity),
            FirmProductElasticity = b.Num(R.FirmProductElasticity, d.FirmProductElasticity),
            LossReferenceShare = b.Num(R.LossReferenceShare, d.LossReferenceShare),
            LostShareFirstMonth = b.Num(R.LostShareFirstMonth, d.LostShareFirstMonth),
            LostShareLong = b.Num(R.LostShareLong, d.LostShareLong),
            LostShareMonths = b.Num(R.LostShareMonths, d.LostShareMonths),
            MaxPriceMultiple = b.Num(R.MaxPriceMultiple, d.MaxPriceMultiple),
            FixedCostShare = b.Num(R.FixedCostShare, d.FixedCostShare),
            MothballAfterMonths = b.Int(R.MothballAfterMonths, d.MothballAfterMonths),
            MothballMargin = b.Num(R.MothballMargin, d.MothballMargin),
            MothballShare = b.Num(R.MothballShare, d.MothballShare),
            RestartMargin = b.Num(R.RestartMargin, d.RestartMargin),
            RestartAfterMonths = b.Int(R.RestartAfterMonths, d.RestartAfterMonths),
            RestartLeadMonths = b.Int(R.RestartLeadMonths, d.RestartLeadMonths),
            RestartCostMonths = b.Num(R.RestartCostMonths, d.RestartCostMonths),
        };
        b.Done();
        return r;
    }

    static List<ScenarioEvent> ReadEvents(MapScope top, List<ScenarioError> errors, Calendar cal,
        List<string> mIds, List<string> cIds, List<string> fIds, List<string> pIds, List<string> oIds)
    {
        var list = new List<ScenarioEvent>();
        var origin = new List<int>(); // the index under events: of each compiled event
        int M = mIds.Count;
        var n = top.Raw("events");
        if (n is null) return list;
        if (n.Kind != YKind.Seq) { top.Error(n, "events", $"found {n.Describe()}, expected a list of events"); return list; }
        for (int i = 0; i < n.Items.Count; i++)
        {
            var item = n.Items[i];
            if (item.Kind != YKind.Map) { top.Error(item, $"events.{i}", $"found {item.Describe()}, expected a mapping"); continue; }
            var e = new MapScope(item, $"events.{i}", errors, cal);
            int month = e.Month("month", -1, required: true);
            string? type = e.OneOf("type", EventTypes, required: true);
            string label = e.Str("note") ?? type ?? "";
            e.Str("source");
            bool confrontation = e.Bool("confrontation", false);
            bool keep = e.OneOf("counterfactual", CounterfactualChoices) == "keep";
            var ev = new ScenarioEvent(month, EventKind.ExportRegime, -1, -1, -1, -1, -1, RegimeKind.Open, 0, 0, 0, 1, null, confrontation, label, keep);
            switch (type)
            {
                case "export_regime":
                {
                    var kind = ParseRegime(e.OneOf("regime", Regimes, required: true));
                    var dests = e.Mask("to", cIds, "country");
                    int country = e.Ref("country", cIds, "country");
                    ev = ev with
                    {
                        Kind = EventKind.ExportRegime, Country = country, Materials = e.Mask("materials", mIds, "material"),
                        Regime = kind, Value = e.Num(R.EventApproval, kind == RegimeKind.Licence ? 0.5 : 1), Delay = e.Int(R.EventDelay, 0),
                    };
                    // approval_by_material: a rate of its own for some of the listed materials (one event each, the rest keep `approval`)
                    var parts = new List<ScenarioEvent> { ev };
                    if (e.Sub("approval_by_material") is { } byMat && ev.Materials is { } all)
                    {
                        var rest = (bool[])all.Clone();
                        foreach (var (id, node) in byMat.Node.Entries)
                        {
                            int mat = mIds.IndexOf(id);
                            if (mat < 0) { byMat.Error(node, id, $"unknown material '{id}'" + Suggest.For(id, mIds)); continue; }
                            if (!all[mat]) { byMat.Error(node, id, $"'{id}' is not among this event's materials; expected one of: {string.Join(", ", mIds.Where((_, k) => all[k]))} (or add it to materials)"); continue; }
                            double rate = byMat.ParseNum(node, id, R.EventApprovalByMaterial, double.NaN);
                            if (double.IsNaN(rate)) continue;
                            var only = new bool[mIds.Count];
                            only[mat] = true;
                            rest[mat] = false;
                            parts.Add(ev with { Materials = only, Value = rate });
                        }
                        parts[0] = ev with { Materials = rest };
                    }
                    if (dests is not null && country >= 0)
                        foreach (var part in parts)
                            for (int d = 0; d < cIds.Count; d++)
                                if (dests[d] && d != country) { list.Add(part with { Destination = d }); origin.Add(i); }
                    e.Done();
                    continue;
                }
                case "export_duty":
                    ev = ev with { Kind = EventKind.ExportDuty, Country = e.Ref("country", cIds, "country"), Materials = e.Mask("materials", mIds, "material"), Value = e.Num(R.EventDuty, 0, required: true) };
                    break;
                case "export_quota":
                    ev = ev with { Kind = EventKind.ExportQuota, Country = e.Ref("country", cIds, "country"), Materials = e.Has("materials") ? e.Mask("materials", mIds, "material") : AllMaterials(e, M), Value = e.Has("tonnes_reo") ? e.Num(R.EventQuota, 0) : Lift(e, "tonnes_reo") };
                    break;
                case "embedded_rule":
                    ev = ev with { Kind = EventKind.EmbeddedRule, Country = e.Ref("country", cIds, "country"), Value = e.Has("share") ? e.Num(R.EventShare, 0) : Lift(e, "share") };
                    break;
                case "capacity_project":
                    ev = ev with { Kind = EventKind.CapacityProject, Firm = e.Ref("firm", fIds, "firm"), Value = e.Num(R.EventCapacity, 0, required: true), Delay = e.Int(R.EventLead, 0), Ramp = e.Int(R.EventRamp, 1) };
                    break;
                case "offtake_break":
                    ev = ev with { Kind = EventKind.OfftakeBreak, Firm = e.Ref("offtake", oIds, "offtake deal") };
                    break;
                case "stockpile":
                    ev = ev with { Kind = EventKind.StockpileTarget, Country = e.Ref("country", cIds, "country"), Materials = e.Mask("materials", mIds, "material"), Value = e.Num(R.EventStockpileTarget, 0, required: true), Value2 = e.Num(R.EventFillRate, 0, required: true) };
                    break;
                case "capex_subsidy":
                    ev = ev with { Kind = EventKind.CapexSubsidy, Country = e.Ref("country", cIds, "country"), Process = e.Has("process") ? e.Ref("process", pIds, "process") : NoRef(e, "process"), Value = e.Num(R.EventShare, 0, required: true) };
                    break;
                case "rnd_funding":
                    ev = ev with { Kind = EventKind.RndFunding, Country = e.Ref("country", cIds, "country"), Process = e.Has("process") ? e.Ref("process", pIds, "process") : NoRef(e, "process"), Material = e.Has("material") ? e.Ref("material", mIds, "material") : NoRef(e, "material"), Value = e.Num(R.EventRndFirms, 0), Value2 = e.Num(R.EventRndSectors, 0) };
                    break;
                case "announcement":
                {
                    int country = e.Ref("country", cIds, "country");
                    var dests = e.Mask("to", cIds, "country");
                    ev = ev with { Kind = EventKind.Announcement, Country = country, Value = e.Num(R.EventWeight, 1), IsConfrontation = true };
                    if (dests is not null && country >= 0)
                        for (int d = 0; d < cIds.Count; d++)
                            if (dests[d] && d != country) { list.Add(ev with { Destination = d }); origin.Add(i); }
                    e.Done();
                    continue;
                }
                case "enforcement":
                    ev = ev with { Kind = EventKind.Enforcement, Firm = e.Ref("firm", fIds, "firm"), Value = e.Num(R.EventEnforcement, 0, required: true) };
                    break;
                case "production_quota":
                    ev = ev with { Kind = EventKind.ProductionQuota, Country = e.Ref("country", cIds, "country"), Process = e.Has("process") ? e.Ref("process", pIds, "process") : NoRef(e, "process"), Value = e.Has("tonnes") ? e.Num(R.EventProductionQuota, 0) : Lift(e, "tonnes") };
                    break;
            }
            e.Done();
            list.Add(ev);
            origin.Add(i);
        }
        EventConflicts.Report(list, origin, n.Items, errors, cal, mIds, cIds, pIds);
        // stable sort by month keeps file order within a month
        return list.Select((ev, i) => (ev, i)).OrderBy(x => x.ev.Month).ThenBy(x => x.i).Select(x => x.ev).ToList();
    }

    static bool[] AllMaterials(MapScope e, int count) { e.Raw("materials"); return Enumerable.Repeat(true, count).ToArray(); }

    /// <summary>A missing or null value lifts the restriction (no limit).</summary>
    static double Lift(MapScope e, string key) { e.Raw(key); return double.PositiveInfinity; }
    static int NoRef(MapScope e, string key) { e.Raw(key); return -1; }

    static List<UncertainParameter> ReadUncertain(MapScope top, YNode root, List<ScenarioError> errors)
    {
        var list = new List<UncertainParameter>();
        var u = top.Sub("uncertain");
        if (u is null) return list;
        foreach (var (path, ds) in u.Children())
        {
            var target = Resolve(root, path);
            double nominal = 0;
            if (target is null || target.Kind != YKind.Scalar || !double.TryParse(target.Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out nominal))
                u.Error(ds.Node, path, "the path does not name a number in the scenario; expected a dotted path to a numeric parameter, e.g. sectors.JP_ev.elasticity");
            string? dist = ds.OneOf("dist", Distributions, required: true);
            double a = 0, b = 0, c = 0, betaMax = 1;
            switch (dist)
            {
                case "normal": a = ds.Num("mean", nominal); b = ds.Num("sd", 0, 0, required: true); break;
                case "lognormal": a = ds.Num("mu", Math.Log(Math.Max(nominal, 1e-12))); b = ds.Num("sigma", 0, 0, required: true); break;
                case "uniform": a = ds.Num("min", 0, required: true); b = ds.Num("max", 0, required: true); if (b <= a) ds.ErrorHere("max must be greater than min"); break;
                case "triangular":
                    a = ds.Num("min", 0, required: true); c = ds.Num("mode", nominal); b = ds.Num("max", 0, required: true);
                    if (!(a <= c && c <= b && a < b)) ds.ErrorHere("expected min <= mode <= max with min < max");
                    break;
                case "beta":
                    a = ds.Num("alpha", 1, 1e-6, required: true); b = ds.Num("beta", 1, 1e-6, required: true);
                    c = ds.Num("min", 0); betaMax = ds.Num("max", 1);
                    if (betaMax <= c) ds.ErrorHere("max must be greater than min");
                    break;
            }
            ds.Str("source");
            ds.Done();
            if (dist is null) continue;
            var p = new UncertainParameter(path, dist, a, b, c, nominal, betaMax);
            if (NumberRanges.For(path) is { } range && !errors.Any(e => e.Path.StartsWith($"uncertain.{path}", StringComparison.Ordinal)))
            {
                var (low, high) = p.Support;
                if (range.Whole)
                    u.Error(ds.Node, path, $"{range.Key} is a whole number and cannot be sampled; expected a parameter that takes any number in a range");
                else if (!(range.Contains(low) && range.Contains(high)))
                    u.Error(ds.Node, path, $"a batch draws from {NumberRanges.Format(low, exact: false)} to {NumberRanges.Format(high, exact: false)} (the {UncertainParameter.TailProbability:0e0} and 1 - {UncertainParameter.TailProbability:0e0} quantiles); expected draws within the parameter's range, {range.Text}");
            }
            list.Add(p);
        }
        return list;
    }

    /// <summary>The node at a dotted path (map keys, list indexes), or null.</summary>
    public static YNode? Resolve(YNode root, string path)
    {
        var node = root;
        foreach (var part in path.Split('.'))
        {
            if (node.Kind == YKind.Map) node = node.Get(part);
            else if (node.Kind == YKind.Seq && int.TryParse(part, out int i) && i >= 0 && i < node.Items.Count) node = node.Items[i];
            else return null;
            if (node is null) return null;
        }
        return node;
    }
}
