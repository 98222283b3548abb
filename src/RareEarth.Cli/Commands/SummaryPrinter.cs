using System.Globalization;
using RareEarth.Runner.Output;
using RareEarth.Scenarios;

namespace RareEarth.Cli;

/// <summary>
/// The short, readable summary printed after a run (the numbers are in summary.json, defined in docs/results.md).
/// Each section lists the rows that matter (above a threshold), most important first; when there are more than
/// <see cref="MaxRows"/>, the scenario's headline materials and targeted countries stay and the rest is counted
/// ("N more (see summary.json)"). Without a shock nothing is credited to one: no spikes "after the shock", no costs.
/// </summary>
public static class SummaryPrinter
{
    public const int MaxRows = 10;
    const double SpikeMultiple = 1.2, ShortageShare = 0.001, DependentShare = 0.5, CostUsd = 1e6;
    /// <summary>A peak after the shock's window is shown apart when it is at least this much higher than the peak within it.</summary>
    const double LaterHigh = 1.1;
    /// <summary>A country's own market is listed when its peak exceeds the outside-China peak by more than this factor.</summary>
    const double OwnMarketMargin = 1.05;

    public static void Print(TextWriter w, RunSummary s, CompiledScenario scenario) => Print(w, s, CountryNames.Of(scenario));

    public static void Print(TextWriter w, RunSummary s, IReadOnlyDictionary<string, string> countryNames)
    {
        var p = new Printer(w, s, countryNames);
        p.Header();
        p.Prices();
        p.Shortages();
        p.Decoupling();
        if (s.Counterfactual is { } cf)
        {
            // costs against the same world and seed without the confrontation (the run's second run)
            p.CounterfactualCosts(cf);
            p.Rerouting(cf);
            p.CounterfactualHarm(cf);
        }
        if (s.Resilience is { } res) p.Resilience(res);
        else
        {
            // --no-counterfactual: against the pre-shock prices and revenue rate only
            p.Costs();
            p.MutualHarm();
        }
        p.Firms();
    }

    sealed class Printer(TextWriter w, RunSummary s, IReadOnlyDictionary<string, string> names)
    {
        readonly bool shock = s.Shock is not null;
        readonly int whoWidth = names.Select(kv => kv.Key.Length + 1 + kv.Value.Length).DefaultIfEmpty(3).Max();

        public void Header()
        {
            w.WriteLine($"{Printable(s.Scenario)}, {s.Start} to {s.End}, seed {s.Seed}");
            w.WriteLine(shock
                ? $"Shock in {s.Shock}; \"before\" is the mean of the 12 months before it ({s.BaselineWindow}); +N = N months after the shock."
                : $"No shock in this scenario: prices are compared with its first 12 months ({s.BaselineWindow}); no costs or losses are attributed.");
            w.WriteLine("Countries: " + string.Join(", ", names.Select(kv => $"{kv.Key} {kv.Value}")) + ".");
            w.WriteLine("Prices are in two regions: China (the Chinese domestic price) and outside China; a country whose supplies China" +
                        " restricts and that cannot reroute enough through its suppliers elsewhere trades at a price of its own (\"JP market\").");
        }

        /// <summary>
        /// Price rows worth reading: both regions, and a country's own market only where its peak stands clearly
        /// above the outside-China peak (otherwise it repeats the outside row; summary.json keeps them all).
        /// </summary>
        IEnumerable<PriceSummary> PriceRows(Func<PriceSummary, double?> multiple)
        {
            foreach (var x in s.Prices)
            {
                if (x.Region is "CN" or "ROW") { yield return x; continue; }
                var outside = s.Prices.FirstOrDefault(o => o.Material == x.Material && o.Region == "ROW");
                if (outside is null || (multiple(x) ?? 0) > OwnMarketMargin * (multiple(outside) ?? 0)) yield return x;
            }
        }

        public void Prices()
        {
            w.WriteLine();
            if (!shock)
            {
                w.WriteLine("Price spikes against the first 12 months (highest price in the run):");
                Rows(PriceRows(x => x.PeakMultiple).Where(x => x.PeakMultiple >= SpikeMultiple).OrderByDescending(x => x.PeakMultiple).ToList(),
                    x => IsFocusMaterial(x.Material), null,
                    x => $"{Price(x, x.Peak, x.PeakMultiple)}  {x.PeakMonth}", $"none above {SpikeMultiple}x");
                return;
            }
            int window = MetricMath.ShockWindowMonths;
            w.WriteLine($"Price spikes within {window} months of the shock (highest price against before the shock; months above 2x: to the end of the run):");
            Rows(PriceRows(x => x.ShockPeakMultiple).Where(x => x.ShockPeakMultiple >= SpikeMultiple).OrderByDescending(x => x.ShockPeakMultiple).ToList(),
                x => IsFocusMaterial(x.Material), null,
                x => $"{Price(x, x.ShockPeak!.Value, x.ShockPeakMultiple!.Value)}  {x.ShockPeakMonth} (+{MonthsBetween(s.Shock!, x.ShockPeakMonth!)})" +
                     (x.MonthsAbove2x > 0 ? $", {Months(x.MonthsAbove2x)} above 2x" : ""),
                $"none above {SpikeMultiple}x");
            // a later, clearly higher peak is shown apart: it may be the market's own course rather than the shock
            var late = PriceRows(x => x.PeakMultiple).Where(x => x.PeakMultiple >= SpikeMultiple && x.PeakMonthsAfterShock >= window && x.PeakMultiple >= LaterHigh * x.ShockPeakMultiple)
                .OrderByDescending(x => x.PeakMultiple).ToList();
            if (late.Count == 0) return;
            w.WriteLine($"Later highs, more than {window} months after the shock (not credited to it: the market's own course can explain them):");
            Rows(late, x => IsFocusMaterial(x.Material), null, x => $"{Price(x, x.Peak, x.PeakMultiple)}  {x.PeakMonth} (+{x.PeakMonthsAfterShock})", "");
        }

        public void Shortages()
        {
            w.WriteLine();
            w.WriteLine("Shortages (unmet demand over the whole run):");
            Rows(s.Shortages.Where(x => x.Share > ShortageShare).OrderByDescending(x => x.Share).ToList(),
                x => IsFocus(x.Material, new[] { x.Country }), null,
                x => $"{Who(x.Country)}  {x.Material,-14} {Tonnes(x.Tonnes),9} t  {Pct(x.Share, 1),6} of demand, {Months(x.MonthsInShortage)} in shortage" +
                     (x.WorstMonth is null ? "" : $", worst {x.WorstMonth} ({Pct(x.WorstShare, 0)} unmet)"),
                $"none above {Pct(ShortageShare, 1)} of demand");
        }

        public void Decoupling()
        {
            w.WriteLine();
            w.WriteLine((shock ? "Decoupling from China: China's share of each importer's direct supply, before the shock -> at the end; "
                               : "China's share of each importer's direct supply, at the start -> at the end; ")
                        + "\"below 50%\" is the first month it fell below 50% and stayed below for 12 months or more.");
            // importers of one material buy from one market, so many show the same numbers: one line for them all
            var groups = s.Decoupling.Where(d => d.Basis == "direct" && d.ShareAtShock >= DependentShare)
                .GroupBy(d => (d.Material, Before: Pct(d.ShareAtShock, 0), End: Pct(d.FinalShare, 0), d.Month50, d.Month20))
                .Select(g => (Row: g.First(), Countries: g.Select(d => d.Country).ToList()))
                .OrderByDescending(g => g.Row.ShareAtShock - g.Row.FinalShare).ToList();
            int width = groups.Select(g => string.Join(", ", g.Countries).Length).DefaultIfEmpty(2).Max();
            bool spells = false;
            string Below(int? months, string? month, double final, double level)
            {
                if (month is null) return "not reached";
                bool back = final >= level;
                spells |= back;
                return month + (shock ? $" (+{months})" : "") + (back ? "*" : "");
            }
            Rows(groups, g => IsFocus(g.Row.Material, g.Countries), g => g.Row.Material,
                g => $"{g.Row.Material,-14} {string.Join(", ", g.Countries).PadRight(width)}  {Pct(g.Row.ShareAtShock, 0),4} -> {Pct(g.Row.FinalShare, 0),4}   " +
                     $"below 50%: {Below(g.Row.MonthsTo50, g.Row.Month50, g.Row.FinalShare, 0.5),-15} below 20%: {Below(g.Row.MonthsTo20, g.Row.Month20, g.Row.FinalShare, 0.2)}",
                $"no importer drew {Pct(DependentShare, 0)} or more of its supply from China");
            if (spells) w.WriteLine($"  * a spell, not a lasting decoupling: the share was back above that level by {s.End}");
        }

        public void Costs()
        {
            if (!shock) return;
            w.WriteLine();
            w.WriteLine("Cost from the shock on, USD bn (shortage loss + extra procurement + fiscal cost):");
            // the targeted countries always: their cost is the question even when it is nil
            Rows(s.Costs.Where(c => c.TotalUsd > CostUsd || s.Focus.Countries.Contains(c.Country)).OrderByDescending(c => c.TotalUsd).ToList(),
                c => s.Focus.Countries.Contains(c.Country), null,
                c => $"{Who(c.Country)}  {Bn(c.TotalUsd, 2),8}   shortage {Bn(c.ShortageLossUsd, 2)}, " +
                     (c.ExtraProcurementUsd >= 0 ? $"procurement {Bn(c.ExtraProcurementUsd, 2)}" : $"procurement saved {Bn(-c.ExtraProcurementUsd, 2)} (not netted)") +
                     $", fiscal {Bn(c.FiscalUsd, 2)}",
                "none above 0.001 bn");
        }

        /// <summary>Firms that mothballed capacity or failed (a short section; nothing when none did).</summary>
        public void Firms()
        {
            if (s.Firms.Count == 0) return;
            w.WriteLine();
            int exited = s.Firms.Count(f => f.ExitMonth is not null);
            w.WriteLine($"Firms: {s.Firms.Count - exited} mothballed capacity, {exited} failed (capacity in t/yr of activity):");
            foreach (var f in s.Firms.OrderBy(f => f.ExitMonth ?? f.FirstMothballMonth, StringComparer.Ordinal))
                w.WriteLine($"  {f.Firm} ({f.Country}, {f.Process}): " +
                            (f.ExitMonth is { } e ? $"failed {e}" : $"mothballed from {f.FirstMothballMonth}, up to {f.MaxMothballed:N0} " +
                              (f.MaxMothballed > f.CapacityAtStart ? $"(it had {f.CapacityAtStart:N0} at the start and built more)" : $"of {f.CapacityAtStart:N0}") +
                              $", {f.MothballedAtEnd:N0} at the end"));
        }

        public void MutualHarm()
        {
            if (!shock || s.Restrictor is not { } r) return;
            w.WriteLine();
            double lost = r.LostExportRevenueUsd;
            string change = Math.Abs(lost) < 0.05e9 ? "about the same" : lost > 0 ? $"a loss of {Bn(lost, 1)} bn" : $"a gain of {Bn(-lost, 1)} bn";
            w.WriteLine($"Mutual harm - {Who(r.Country).TrimEnd()}: export revenue from the shock on {Bn(r.ExportRevenueAfterShockUsd, 1)} bn against " +
                        $"{Bn(r.ExportRevenueAtBaselineUsd, 1)} bn at the pre-shock rate, {change}; idle capacity {Pct(r.IdleCapacityShare, 0)}.");
            var shares = r.MarketShares.Where(x => x.ShareBeforeShock > 0.5).ToList();
            if (shares.Count > 0)
                w.WriteLine("  its share of world output, before the shock -> last 12 months: " +
                            string.Join(", ", shares.Select(x => $"{x.Material} {Pct(x.ShareBeforeShock, 0)} -> {Pct(x.ShareAtEnd, 0)}")));
        }

        public void CounterfactualCosts(CounterfactualSummary cf)
        {
            w.WriteLine();
            w.WriteLine("What the confrontation cost each country, against the same world and seed without it, USD bn");
            w.WriteLine("(net = shortage loss + paid for supplies - producers' margin; + is a cost, - a gain):");
            Rows(cf.Countries.Where(c => Math.Abs(c.NetCostUsd) > CostUsd || Math.Abs(c.ShortageTonnes) >= 0.5 || s.Focus.Countries.Contains(c.Country))
                    .OrderByDescending(c => Math.Abs(c.NetCostUsd)).ToList(),
                c => s.Focus.Countries.Contains(c.Country), null,
                c => $"{Who(c.Country)}  {Signed(c.NetCostUsd),7}   shortage loss {Bn(c.EconomicLossUsd, 2)}, paid {Signed(c.ProcurementUsd)}, " +
                     $"margin {Signed(c.ProducerMarginUsd)}; shortage {SignedTonnes(c.ShortageTonnes)}, export revenue {Signed(c.ExportRevenueUsd)}, fiscal {Signed(c.FiscalUsd)}",
                "no country's net cost moved by more than USD 1 million");
        }

        public void Rerouting(CounterfactualSummary cf)
        {
            if (cf.Rerouting.Count == 0) return;
            w.WriteLine();
            w.WriteLine("Rerouting: markets cut off by a restriction they could not reroute around (a price of their own; its peak is under");
            w.WriteLine("price spikes), the premium they paid over the outside-China price on what they still imported, and their imports");
            w.WriteLine("by origin over the run against the counterfactual (offtakes included):");
            // the longest spells on their own first; the focus countries' headline materials always
            var ranked = cf.Rerouting.OrderByDescending(x => x.OwnMarketMonths).ThenByDescending(x => x.PremiumUsd).ToList();
            Rows(ranked, x => IsFocus(x.Material, new[] { x.Country }) && x.OwnMarketMonths >= 3, null, x =>
            {
                string flows = string.Join(", ", x.Origins.Take(5).Select(o =>
                    $"{o.Origin} {SignedTonnes(o.Tonnes - o.CounterfactualTonnes)}"));
                return $"{Who(x.Country)} {x.Material,-13} {Months(x.OwnMarketMonths)} on its own, premium {Bn(x.PremiumUsd, 2)} bn USD;" +
                       $" {(flows.Length > 0 ? flows : "no imports")}";
            }, "");
        }

        public void CounterfactualHarm(CounterfactualSummary cf)
        {
            if (cf.Restrictor is not { } r) return;
            w.WriteLine();
            string change = Math.Abs(r.LostExportRevenueUsd) < 0.05e9 ? "about the same"
                : r.LostExportRevenueUsd > 0 ? $"a loss of {Bn(r.LostExportRevenueUsd, 1)} bn ({Pct(r.LostShare, 0)})" : $"a gain of {Bn(-r.LostExportRevenueUsd, 1)} bn";
            string net = r.NetCostUsd >= 0 ? $"a net cost of {Bn(r.NetCostUsd, 1)} bn" : $"a net gain of {Bn(-r.NetCostUsd, 1)} bn";
            w.WriteLine($"Mutual harm - {Who(r.Country).TrimEnd()}: export revenue {Bn(r.ExportRevenueUsd, 1)} bn against {Bn(r.CounterfactualExportRevenueUsd, 1)} bn " +
                        $"without the confrontation, {change}; {net} in all.");
            if (s.Restrictor is { } pre)
            {
                var shares = pre.MarketShares.Where(x => x.ShareBeforeShock > 0.5).ToList();
                if (shares.Count > 0)
                    w.WriteLine("  its share of world output, before the shock -> last 12 months: " +
                                string.Join(", ", shares.Select(x => $"{x.Material} {Pct(x.ShareBeforeShock, 0)} -> {Pct(x.ShareAtEnd, 0)}")));
            }
        }

        public void Resilience(ResilienceSummary res)
        {
            w.WriteLine();
            w.WriteLine("Resilience (Sprecher et al. 2017): disruptions of supply outside China against the counterfactual, their size, months to");
            w.WriteLine("recover (supply short of need within 5% and price within 1.1x for 6 months) and where the recovery came from");
            w.WriteLine("(share of the tonnes made up; in tonnes where the parts mostly cancel):");
            Rows(res.Disruptions.OrderByDescending(d => d.PeakSupplyLossShare).ToList(), d => IsFocusMaterial(d.Material), d => d.Material + d.Start,
                d => $"{d.Material,-14} {d.Start}  supply -{Pct(d.PeakSupplyLossShare, 0)}, price x{d.PeakPriceMultiple.ToString("F1", CultureInfo.InvariantCulture)}, " +
                     (d.RecoveryMonths is int n ? $"recovered in {Months(n)}" : "not recovered by the end") +
                     (d.Shares is { } x
                         ? $"; substitution/thrift {Pct(x.SubstitutionThrift, 0)}, new supply {Pct(x.NewSupply, 0)}, recycling {Pct(x.Recycling, 0)}, " +
                           $"stocks {Pct(x.StockRelease, 0)}, demand destruction {Pct(x.DemandDestruction, 0)}, other {Pct(x.Other, 0)}"
                         : d.RecoveryTonnes > 1e-9
                             ? $"; made up {SignedTonnes(d.RecoveryTonnes)} from parts that mostly cancel: substitution/thrift {SignedTonnes(d.Tonnes.SubstitutionThrift)}, " +
                               $"new supply {SignedTonnes(d.Tonnes.NewSupply)}, recycling {SignedTonnes(d.Tonnes.Recycling)}, stocks {SignedTonnes(d.Tonnes.StockRelease)}, " +
                               $"demand destruction {SignedTonnes(d.Tonnes.DemandDestruction)}, other {SignedTonnes(d.Tonnes.Other)}"
                             : "; no net recovery to share"),
                "no disruption");
        }

        static string Signed(double usd) => (usd >= 0 ? "+" : "") + Bn(usd, 2);
        static string SignedTonnes(double t) => Math.Abs(t) < 0.05 ? "+0 t" : (t >= 0 ? "+" : "-") + Tonnes(Math.Abs(t)) + " t";

        // ---- rows: what matters, headline rows always, the rest counted

        void Rows<T>(IReadOnlyList<T> ranked, Func<T, bool> headline, Func<T, string>? displayOrder, Func<T, string> line, string none)
        {
            if (ranked.Count == 0)
            {
                if (none.Length > 0) w.WriteLine("  " + none);
                return;
            }
            var shown = ranked.Where((x, i) => i < MaxRows || headline(x)).ToList();
            if (displayOrder is not null) shown = shown.OrderBy(displayOrder, StringComparer.Ordinal).ToList();
            foreach (var x in shown) w.WriteLine("  " + line(x));
            if (ranked.Count > shown.Count) w.WriteLine($"  {ranked.Count - shown.Count} more (see summary.json)");
        }

        bool IsFocusMaterial(string material) => s.Focus.Materials.Contains(material);

        bool IsFocus(string material, IEnumerable<string> countries) =>
            IsFocusMaterial(material) && (s.Focus.Countries.Count == 0 || countries.Any(s.Focus.Countries.Contains));

        // ---- formats

        string Who(string code) => $"{code} {(names.TryGetValue(code, out var n) ? n : CountryNames.Fallback(code))}".PadRight(whoWidth);

        static string Price(PriceSummary x, double high, double multiple) =>
            $"{x.Material,-14} {Region(x.Region),-13} {Num(x.Baseline),9} -> {Num(high),9} USD/kg  x{multiple.ToString("F1", CultureInfo.InvariantCulture),-5}";

        /// <summary>The user's text with control characters (terminal escapes, line breaks) shown as spaces.</summary>
        static string Printable(string text) => new(text.Select(ch => char.IsControl(ch) ? ' ' : ch).ToArray());

        static string Region(string id) => id switch { "CN" => "China", "ROW" => "outside China", _ => id + " market" };

        static string Months(int n) => n == 1 ? "1 month" : $"{n} months";

        static string Num(double v) => v.ToString(Math.Abs(v) >= 100 ? "N0" : "F1", CultureInfo.InvariantCulture);

        static string Tonnes(double t) => t.ToString(t >= 10 ? "N0" : t >= 0.05 ? "F1" : "G2", CultureInfo.InvariantCulture);

        static string Pct(double share, int decimals) => (100 * share).ToString("F" + decimals, CultureInfo.InvariantCulture) + "%";

        static string Bn(double usd, int decimals) => (usd / 1e9).ToString("F" + decimals, CultureInfo.InvariantCulture);

        static int MonthsBetween(string from, string to)
        {
            static int Index(string ym) => int.Parse(ym[..4], CultureInfo.InvariantCulture) * 12 + int.Parse(ym[5..7], CultureInfo.InvariantCulture);
            return Index(to) - Index(from);
        }
    }
}
