using System.Globalization;
using System.Text;
using RareEarth.Reporting;
using RareEarth.Runner;
using RareEarth.Scenarios;

namespace RareEarth.Tests.Calibration;

/// <summary>
/// A small synthetic world for calibration tests (the small-world fixture with a year of licensed magnet exports):
/// its "history" is the model's own output at known parameter values, so a calibration should find them again.
/// </summary>
public static class SyntheticWorld
{
    public const double TrueApproval = 0.3, TrueHoarding = 1.0;

    /// <summary>Writes world.yaml, history.csv and targets.yaml into <paramref name="dir"/>; returns (world, targets).</summary>
    public static (string World, string Targets) Write(string dir, string? targetsYaml = null)
    {
        var world = Path.Combine(dir, "world.yaml");
        File.WriteAllText(world, $"""
            extends: {TestPaths.Fixture("small-world.yaml")}
            events:
              - {"{"}month: 2021-01, type: export_regime, country: CN, materials: [magnet], to: all, regime: licence, approval: {TrueApproval.ToString(CultureInfo.InvariantCulture)}, delay: 0, confrontation: true{"}"}
              - {"{"}month: 2021-09, type: export_regime, country: CN, materials: [magnet], to: all, regime: open{"}"}
            countries:
              JP: {"{"}hoarding_gain: {TrueHoarding.ToString(CultureInfo.InvariantCulture)}{"}"}
            uncertain:
              events.0.approval: {"{"}dist: uniform, min: 0.05, max: 0.95{"}"}
              countries.JP.hoarding_gain: {"{"}dist: uniform, min: 0.2, max: 3{"}"}
            """);
        var compiled = ScenarioCompiler.LoadAndCompile(world);
        var rec = SingleRun.Execute(compiled, 12345);
        var csv = new StringBuilder("month,metric,material,country,partner,value,unit,use,source\n");
        var series = new[] { ("exports", "magnet", "CN", ""), ("price", "magnet", "ROW", ""), ("imports", "magnet", "JP", "CN") };
        for (int t = 0; t < compiled.Model.Months; t++)
        {
            var month = compiled.Model.MonthLabel(t);
            if (string.CompareOrdinal(month, "2020-10") < 0 || string.CompareOrdinal(month, "2021-08") > 0) continue;
            foreach (var (metric, material, country, partner) in series)
            {
                var h = new HistoryPoint(month, metric, material, country, partner, 0, "", "", "");
                double v = HistoryComparison.ModelValue(rec, h, t);
                csv.Append(CultureInfo.InvariantCulture, $"{month},{metric},{material},{country},{partner},{v:R},t,validation,synthetic\n");
            }
        }
        File.WriteAllText(Path.Combine(dir, "history.csv"), csv.ToString());
        var targets = Path.Combine(dir, "targets.yaml");
        File.WriteAllText(targets, targetsYaml ?? """
            history: history.csv
            fitted:
              - {name: exports, metric: exports, material: magnet, country: CN, months: 2020-10..2021-08, distance: log_ratio}
              - {name: price, metric: price, material: magnet, country: ROW, months: 2020-10..2021-08, distance: log_ratio}
            validation:
              - {name: japan_imports, metric: imports, material: magnet, country: JP, partner: CN, months: 2021-01..2021-08, distance: log_ratio}
            """);
        return (world, targets);
    }
}
