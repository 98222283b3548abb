using RareEarth.Engine;
using RareEarth.Scenarios.Yaml;

namespace RareEarth.Scenarios;

/// <summary>A declared uncertain parameter: where it is and how it is distributed.</summary>
/// <summary>
/// A declared uncertain parameter. normal: A = mean, B = sd; lognormal: A = mu, B = sigma;
/// uniform: A = min, B = max; triangular: A = min, B = max, C = mode; beta: A = alpha, B = beta on [C, D].
/// </summary>
public sealed record UncertainParameter(string Path, string Distribution, double A, double B, double C, double Nominal, double D = 1);

/// <summary>A compiled scenario: the engine model plus what the runner needs to describe it.</summary>
public sealed record CompiledScenario(Model Model, string Name, string Description, IReadOnlyList<UncertainParameter> Uncertain, ScenarioDocument Document);

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
          "stockpile", "capex_subsidy", "rnd_funding", "production_quota", "announcement" };

    /// <summary>Loads, validates and compiles a scenario file; throws <see cref="ScenarioException"/> listing every problem.</summary>
    public static CompiledScenario LoadAndCompile(string path, IEnumerable<string>? overrides = null)
    {
        var errors = new List<ScenarioError>();
        var doc = ScenarioLoader.Load(path, overrides ?? Array.Empty<string>(), errors);
        if (doc is null) throw new ScenarioException(errors);
        var result = TryCompile(doc, errors); // keep going after override errors: report everything at once
        if (result is null || errors.Count > 0) throw new ScenarioException(errors);
        return result;
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
        var minPrice = new List<double>(); var reo = new List<double>(); var cover = new List<double>();
        if (materials is not null)
            foreach (var (id, ms) in materials.Children())
            {
                mIds.Add(id);
                mKinds.Add(ms.OneOf("kind", Kinds, required: true) ?? "other");
                ms.Str("name"); ms.Str("unit"); ms.Str("source");
                double rp = ms.Num("ref_price", 1, 1e-6, 1e9, required: true);
                refPrice.Add(rp);
                minPrice.Add(ms.Num("min_price", rp * 0.05, 1e-6, 1e9));
                reo.Add(ms.Num("reo_content", 1, 0, 1));
                cover.Add(ms.Num("max_output_cover", 6, 0, 120));
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
                var inputs = ps.MaterialVector("inputs", mIds);
                var outputs = ps.MaterialVector("outputs", mIds);
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
                });
                ps.Done();
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
        var spMaxPrice = new double[C * M]; var spRelShort = new double[C * M]; var spRelRate = new double[C * M];
        Array.Fill(spMaxPrice, 2.0);
        if (countries is not null)
            foreach (var (cid, cs) in countries.Children())
            {
                int c = cIds.IndexOf(cid);
                cs.Str("name"); cs.Str("source");
                hoard[c] = cs.Num("hoarding_gain", 1.0, 0, 20);
                halfLife[c] = cs.Num("risk_half_life", 6, 0.1, 600);
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
                            double ap = rs.Num("approval", kind == RegimeKind.Licence ? 0.5 : 1, 0, 1);
                            int dl = rs.Int("delay", 0, 0, 11);
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
                var duties = cs.MaterialVector("duties", mIds);
                for (int mat = 0; mat < M; mat++) duty[c * M + mat] = duties[mat];
                var q = cs.Sub("export_quota");
                if (q is not null)
                {
                    quota[c] = q.Num("tonnes_reo", double.PositiveInfinity, 0, required: true);
                    var mask = q.Mask("materials", mIds, "material");
                    if (mask is not null) for (int mat = 0; mat < M; mat++) quotaCovers[c * M + mat] = mask[mat];
                    q.Str("source"); q.Done();
                }
                if (cs.Has("embedded_rule_share")) embedded[c] = cs.Num("embedded_rule_share", double.PositiveInfinity, 0, 1);
                else cs.Raw("embedded_rule_share");
                var pq = cs.Sub("production_quota");
                if (pq is not null)
                    foreach (var (pid, pnode) in pq.Node.Entries)
                    {
                        int p = pIds.IndexOf(pid);
                        if (p < 0) { pq.Error(pnode, pid, $"unknown process '{pid}'" + Suggest.For(pid, pIds)); continue; }
                        prodQuota[c * P + p] = pq.ParseNum(pnode, pid, 0, double.PositiveInfinity, double.PositiveInfinity);
                    }
                var relax = cs.Sub("relax_controls");
                if (relax is not null)
                {
                    relaxShare[c] = relax.Num("revenue_share", 0, 0, 1, required: true);
                    relaxStep[c] = relax.Num("step", 0.05, 0, 1);
                    relax.Done();
                }
                var sps = cs.Sub("stockpiles");
                if (sps is not null)
                    foreach (var (mid, ss) in sps.Children())
                    {
                        int mat = mIds.IndexOf(mid);
                        if (mat < 0) { sps.Error(ss.Node, mid, $"unknown material '{mid}'" + Suggest.For(mid, mIds)); continue; }
                        int k = c * M + mat;
                        sp0[k] = ss.Num("tonnes", 0, 0);
                        spTarget[k] = ss.Num("target", sp0[k], 0);
                        spFill[k] = ss.Num("fill_rate", 0, 0);
                        spMaxPrice[k] = ss.Num("max_price_multiple", 2, 0);
                        spRelShort[k] = ss.Num("release_shortage", 0, 0, 1);
                        spRelRate[k] = ss.Num("release_rate", 0, 0);
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
        var fChoke = new List<double>();
        if (firms is not null)
            foreach (var (id, fs) in firms.Children())
            {
                fIds.Add(id);
                fs.Str("name"); fs.Str("source");
                fCountry.Add(fs.Ref("country", cIds, "country"));
                int p = fs.Ref("process", pIds, "process");
                fProc.Add(Math.Max(p, 0));
                double cap = fs.Num("capacity", 0, 0, required: true);
                fCap.Add(cap);
                fCost.Add(fs.Num("unit_cost", 0, 0, required: true));
                var inv = fs.MaterialVector("inventory", mIds);
                double outMonths = fs.Num("inventory_months", 1, 0, 120);
                double coverage = fs.Num("input_coverage", 2, 0, 60);
                double util = fs.Num("utilisation", 0.8, 0, 1);
                // unless given explicitly: output stock of `inventory_months`, input stock at the target coverage
                if (p >= 0 && !fs.Has("inventory"))
                    for (int mat = 0; mat < M; mat++)
                        inv[mat] = cap / 12.0 * util * (outMonths * procs[p].Outputs[mat] + coverage * procs[p].Inputs[mat]);
                fInv.Add(inv);
                fCov.Add(coverage);
                fUtil.Add(util);
                fChoke.Add(fs.Num("choke_multiple", 20, 1));
                var inv2 = fs.Sub("invest");
                fHurdle.Add(inv2?.Num("hurdle", 0.2, -1, 10) ?? 0.2);
                fGrowth.Add(inv2?.Num("max_growth", 0, 0, 10) ?? 0);
                fMinProj.Add(inv2?.Num("min_project", 0, 0) ?? 0);
                fLead.Add(inv2?.Int("lead_months", 36, 0, 600) ?? 36);
                fRamp.Add(inv2?.Int("ramp_months", 12, 1, 600) ?? 12);
                inv2?.Str("source"); inv2?.Done();
                var rnd = fs.Sub("rnd");
                fRndRate.Add(rnd?.Num("rate", 0, 0) ?? 0);
                fRndHalf.Add(rnd?.Num("half", 1, 1e-6) ?? 1);
                fThrift.Add(rnd?.Num("max_thrift", 0, 0, 1) ?? 0);
                fRndLag.Add(rnd?.Int("lag_months", 24, 1, 600) ?? 24);
                rnd?.Str("source"); rnd?.Done();
                fs.Done();
            }
        int F = fIds.Count;
        var fInvFlat = new double[F * M];
        for (int f = 0; f < F; f++) Array.Copy(fInv[f], 0, fInvFlat, f * M, M);

        // ---- sectors ----
        var sectors = top.Sub("sectors", required: true);
        var sIds = new List<string>(); var sNames = new List<string>(); var sCountry = new List<int>(); var sMat = new List<int>();
        var sDem = new List<double>(); var sGrowth = new List<double>(); var sEl = new List<double>(); var sChoke = new List<double>();
        var sCov = new List<double>(); var sStock = new List<double>(); var sLoss = new List<double>();
        var sSubMax = new List<double>(); var sSubRate = new List<double>(); var sSubHalf = new List<double>(); var sSubLag = new List<int>();
        if (sectors is not null)
            foreach (var (id, ss) in sectors.Children())
            {
                sIds.Add(id);
                sNames.Add(ss.Str("name") ?? id);
                ss.Str("source");
                sCountry.Add(ss.Ref("country", cIds, "country"));
                sMat.Add(Math.Max(0, ss.Ref("material", mIds, "material")));
                sDem.Add(ss.Num("demand", 0, 0, required: true));
                sGrowth.Add(ss.Num("growth", 0, -0.5, 1));
                sEl.Add(ss.Num("elasticity", 0.05, 0, 5));
                sChoke.Add(ss.Num("choke_multiple", 10, 1));
                sCov.Add(ss.Num("coverage", 3, 0, 60));
                sStock.Add(ss.Num("stock_months", 3, 0, 60));
                sLoss.Add(ss.Num("loss_per_tonne", 0, 0));
                var sub = ss.Sub("substitution");
                sSubMax.Add(sub?.Num("max_share", 0, 0, 1) ?? 0);
                sSubRate.Add(sub?.Num("rate", 0, 0) ?? 0);
                sSubHalf.Add(sub?.Num("half", 1, 1e-6) ?? 1);
                sSubLag.Add(sub?.Int("lag_months", 36, 1, 600) ?? 36);
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
                oTpm.Add(os.Num("tonnes_per_year", 0, 0, required: true) / 12.0);
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
                flP.Add(fl.Num("price", 0, 0, required: true));
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
            MinPrice = minPrice.ToArray(), ReoContent = reo.ToArray(), MaxOutputCover = cover.ToArray(),
            RegionIds = region.Ids, Processes = procs.ToArray(),
            CountryIds = cIds.ToArray(), CountryRegion = region.Of,
            RegimeKind0 = regime, RegimeApproval0 = approval, RegimeDelay0 = delay, Duty0 = duty,
            Quota0 = quota, QuotaCovers0 = quotaCovers, EmbeddedShare0 = embedded, HoardingGain = hoard, RiskHalfLife = halfLife,
            RelaxRevenueShare = relaxShare, RelaxStep = relaxStep, ProductionQuota0 = prodQuota,
            Stockpile0 = sp0, StockpileTarget0 = spTarget, StockpileFillRate = spFill, StockpileMaxPriceMultiple = spMaxPrice,
            StockpileReleaseShortage = spRelShort, StockpileReleaseRate = spRelRate,
            FirmIds = fIds.ToArray(), FirmCountry = fCountry.ToArray(), FirmProcess = fProc.ToArray(), FirmCapacity0 = fCap.ToArray(),
            FirmUnitCost = fCost.ToArray(), FirmInventory0 = fInvFlat, FirmInputCoverage = fCov.ToArray(),
            FirmInitialUtilisation = fUtil.ToArray(), FirmHurdle = fHurdle.ToArray(), FirmMaxGrowth = fGrowth.ToArray(),
            FirmMinProject = fMinProj.ToArray(), FirmLeadMonths = fLead.ToArray(), FirmRampMonths = fRamp.ToArray(),
            FirmRndRate = fRndRate.ToArray(), FirmRndHalf = fRndHalf.ToArray(), FirmMaxThrift = fThrift.ToArray(),
            FirmRndLag = fRndLag.ToArray(), FirmChokeMultiple = fChoke.ToArray(),
            SectorIds = sIds.ToArray(), SectorNames = sNames.ToArray(), SectorCountry = sCountry.ToArray(), SectorMaterial = sMat.ToArray(),
            SectorDemand0 = sDem.ToArray(), SectorGrowth = sGrowth.ToArray(), SectorElasticity = sEl.ToArray(),
            SectorChokeMultiple = sChoke.ToArray(), SectorCoverage = sCov.ToArray(), SectorStock0 = sStock.ToArray(),
            SectorLossPerTonne = sLoss.ToArray(), SectorSubstMax = sSubMax.ToArray(), SectorSubstRate = sSubRate.ToArray(),
            SectorSubstHalf = sSubHalf.ToArray(), SectorSubstLag = sSubLag.ToArray(),
            OfftakeIds = oIds.ToArray(), OfftakeFirm = oFirm.ToArray(), OfftakeBuyer = oBuyer.ToArray(), OfftakeMaterial = oMat.ToArray(),
            OfftakeTonnesPerMonth = oTpm.ToArray(), OfftakeStart = oStart.ToArray(), OfftakeEnd = oEnd.ToArray(),
            FloorCountry = flC.ToArray(), FloorFirm = flF.ToArray(), FloorMaterial = flM.ToArray(), FloorPrice = flP.ToArray(),
            FloorStart = flS.ToArray(), FloorEnd = flE.ToArray(), FloorInCounterfactual = flK.ToArray(),
            Behaviour = behaviour, Events = events.ToArray(),
        };
        return new CompiledScenario(model, name, description, uncertain, doc);
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
            ExpectationAlpha = b.Num("expectation_alpha", d.ExpectationAlpha, 0.001, 1),
            LongExpectationAlpha = b.Num("long_expectation_alpha", d.LongExpectationAlpha, 0.001, 1),
            SellerReserve = b.Num("seller_reserve", d.SellerReserve, 0, 2),
            OfferSpread = b.Num("offer_spread", d.OfferSpread, 0.01, 2),
            RestockMonths = b.Num("restock_months", d.RestockMonths, 0.5, 60),
            StockElasticity = b.Num("stock_elasticity", d.StockElasticity, 0, 10),
            MinUtilisation = b.Num("min_utilisation", d.MinUtilisation, 0, 1),
            RiskOnControl = b.Num("risk_on_control", d.RiskOnControl, 0, 1),
            RiskOnShortage = b.Num("risk_on_shortage", d.RiskOnShortage, 0, 100),
            RiskOnPriceJump = b.Num("risk_on_price_jump", d.RiskOnPriceJump, 0, 100),
            ApprovalConcentration = b.Num("approval_concentration", d.ApprovalConcentration, 0.1, 1e6),
            InvestmentBand = b.Num("investment_band", d.InvestmentBand, 0.01, 10),
            ChokeExponent = b.Num("choke_exponent", d.ChokeExponent, 0.5, 10),
            FirmElasticity = b.Num("firm_elasticity", d.FirmElasticity, 0, 5),
            MaxPriceMultiple = b.Num("max_price_multiple", d.MaxPriceMultiple, 2, 1e4),
        };
        b.Done();
        return r;
    }

    static List<ScenarioEvent> ReadEvents(MapScope top, List<ScenarioError> errors, Calendar cal,
        List<string> mIds, List<string> cIds, List<string> fIds, List<string> pIds, List<string> oIds)
    {
        var list = new List<ScenarioEvent>();
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
                        Regime = kind, Value = e.Num("approval", kind == RegimeKind.Licence ? 0.5 : 1, 0, 1), Delay = e.Int("delay", 0, 0, 11),
                    };
                    if (dests is not null && country >= 0)
                        for (int d = 0; d < cIds.Count; d++)
                            if (dests[d] && d != country) list.Add(ev with { Destination = d });
                    e.Done();
                    continue;
                }
                case "export_duty":
                    ev = ev with { Kind = EventKind.ExportDuty, Country = e.Ref("country", cIds, "country"), Materials = e.Mask("materials", mIds, "material"), Value = e.Num("duty", 0, 0, 10, required: true) };
                    break;
                case "export_quota":
                    ev = ev with { Kind = EventKind.ExportQuota, Country = e.Ref("country", cIds, "country"), Materials = e.Has("materials") ? e.Mask("materials", mIds, "material") : AllMaterials(e, M), Value = e.Has("tonnes_reo") ? e.Num("tonnes_reo", 0, 0) : Lift(e, "tonnes_reo") };
                    break;
                case "embedded_rule":
                    ev = ev with { Kind = EventKind.EmbeddedRule, Country = e.Ref("country", cIds, "country"), Value = e.Has("share") ? e.Num("share", 0, 0, 1) : Lift(e, "share") };
                    break;
                case "capacity_project":
                    ev = ev with { Kind = EventKind.CapacityProject, Firm = e.Ref("firm", fIds, "firm"), Value = e.Num("capacity", 0, 0, required: true), Delay = e.Int("lead_months", 0, 0, 600), Ramp = e.Int("ramp_months", 1, 1, 600) };
                    break;
                case "offtake_break":
                    ev = ev with { Kind = EventKind.OfftakeBreak, Firm = e.Ref("offtake", oIds, "offtake deal") };
                    break;
                case "stockpile":
                    ev = ev with { Kind = EventKind.StockpileTarget, Country = e.Ref("country", cIds, "country"), Materials = e.Mask("materials", mIds, "material"), Value = e.Num("target", 0, 0, required: true), Value2 = e.Num("fill_rate", 0, 0, required: true) };
                    break;
                case "capex_subsidy":
                    ev = ev with { Kind = EventKind.CapexSubsidy, Country = e.Ref("country", cIds, "country"), Process = e.Has("process") ? e.Ref("process", pIds, "process") : NoRef(e, "process"), Value = e.Num("share", 0, 0, 1, required: true) };
                    break;
                case "rnd_funding":
                    ev = ev with { Kind = EventKind.RndFunding, Country = e.Ref("country", cIds, "country"), Process = e.Has("process") ? e.Ref("process", pIds, "process") : NoRef(e, "process"), Material = e.Has("material") ? e.Ref("material", mIds, "material") : NoRef(e, "material"), Value = e.Num("firms", 0, 0), Value2 = e.Num("sectors", 0, 0) };
                    break;
                case "announcement":
                {
                    int country = e.Ref("country", cIds, "country");
                    var dests = e.Mask("to", cIds, "country");
                    ev = ev with { Kind = EventKind.Announcement, Country = country, Value = e.Num("weight", 1, 0, 1), IsConfrontation = true };
                    if (dests is not null && country >= 0)
                        for (int d = 0; d < cIds.Count; d++)
                            if (dests[d] && d != country) list.Add(ev with { Destination = d });
                    e.Done();
                    continue;
                }
                case "production_quota":
                    ev = ev with { Kind = EventKind.ProductionQuota, Country = e.Ref("country", cIds, "country"), Process = e.Has("process") ? e.Ref("process", pIds, "process") : NoRef(e, "process"), Value = e.Has("tonnes") ? e.Num("tonnes", 0, 0) : Lift(e, "tonnes") };
                    break;
            }
            e.Done();
            list.Add(ev);
        }
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
            if (dist is not null) list.Add(new UncertainParameter(path, dist, a, b, c, nominal, betaMax));
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
