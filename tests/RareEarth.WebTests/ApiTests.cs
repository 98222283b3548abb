using System.Net;
using System.Text;
using System.Text.Json;
using RareEarth.Scenarios;
using RareEarth.Web;

namespace RareEarth.WebTests;

/// <summary>The workbench's API: levers, the compiler's words for bad values, the limits, and the same numbers as the CLI.</summary>
public sealed class ApiTests : IAsyncLifetime
{
    TestWorkbench _wb = null!;

    public Task InitializeAsync() { _wb = new TestWorkbench(); return Task.CompletedTask; }
    public async Task DisposeAsync() => await _wb.DisposeAsync();

    static object Req(Dictionary<string, string>? levers = null, Dictionary<string, string>? pinned = null, int seed = 1, int? runs = null, string scenario = "japan-2010") =>
        new { scenario, levers = levers ?? new(), pinned, seed, runs };

    static void NoStackTrace(string body) => Assert.DoesNotContain("   at ", body);

    [Fact]
    public async Task Scenarios_are_listed_by_id_and_their_levers_come_from_the_events()
    {
        var list = await _wb.Json(await _wb.Http.GetAsync("/api/scenarios"));
        var ids = list.EnumerateArray().Select(e => e.GetProperty("id").GetString()).ToList();
        Assert.Contains("japan-2010", ids);
        Assert.Contains("controls-2025", ids);
        // the calibrated defaults first, the hand-set versions offered after them for comparison
        Assert.True(ids.IndexOf("hand-set/japan-2010") > ids.IndexOf("japan-2010"), string.Join(", ", ids));
        Assert.True(ids.IndexOf("hand-set/controls-2025") > ids.IndexOf("controls-2025"), string.Join(", ", ids));

        var jp = await _wb.Json(await _wb.Http.GetAsync("/api/scenarios/japan-2010"));
        var levers = jp.GetProperty("groups").EnumerateArray().SelectMany(g => g.GetProperty("levers").EnumerateArray())
            .ToDictionary(l => l.GetProperty("id").GetString()!, l => l.GetProperty("value").GetString());
        Assert.Equal("2", levers["ep0.length"]);      // the 2010 halt: Sep to the November resumption
        Assert.Equal("2010-09", levers["ep0.start"]);
        Assert.Equal("0.2", levers["ev13.approval"]);  // the October 2010 licences with ~100% inspection
        Assert.Contains("countries.JP.hoarding_gain", levers.Keys);
        Assert.Contains(levers.Keys, k => k.EndsWith(".capacity"));   // new capacity
        Assert.Contains(levers.Keys, k => k.EndsWith(".sectors"));    // substitution R&D

        var cn = await _wb.Json(await _wb.Http.GetAsync("/api/scenarios/controls-2025"));
        var ids25 = cn.GetProperty("groups").EnumerateArray().SelectMany(g => g.GetProperty("levers").EnumerateArray()).Select(l => l.GetProperty("id").GetString()).ToList();
        Assert.Contains("price_floors.dod_mp_ndpr.price", ids25);                  // price floor
        Assert.Contains("countries.JP.stockpiles.dy_oxide.release_rate", ids25);   // stockpile release rule
        Assert.Contains(ids25, i => i!.StartsWith("ev") && i.EndsWith(".target"));  // stockpile programme
        Assert.Contains("behaviour.held_stock_reroute_share", ids25);              // what a cut-off country can still buy
    }

    [Fact]
    public async Task Out_of_range_values_are_refused_in_the_words_of_validate()
    {
        var r = await _wb.Post("/api/run", Req(new() { ["ev13.approval"] = "2", ["ev15.delay"] = "x" }));
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        var body = await r.Content.ReadAsStringAsync();
        NoStackTrace(body);
        var problems = JsonDocument.Parse(body).RootElement.GetProperty("problems").EnumerateArray().ToList();

        // the command line's answer to the same overrides
        var (exit, _, err) = Repo.Cli("validate", "scenarios/japan-2010.yaml", "--set", "events.13.approval=2", "--set", "events.15.delay=x");
        Assert.Equal(2, exit);
        foreach (var p in problems)
        {
            Assert.Contains(p.GetProperty("line").GetString()!, err);
            Assert.Contains(p.GetProperty("message").GetString()!, err);
        }
        Assert.Equal(new[] { "ev13.approval", "ev15.delay" }, problems.Select(p => p.GetProperty("lever").GetString()).Order());
    }

    [Fact]
    public async Task The_held_stock_lever_lets_a_banned_Japan_buy_what_suppliers_elsewhere_hold_back()
    {
        async Task<(string Command, double Cost)> Japan(Dictionary<string, string> levers)
        {
            var r = await _wb.Post("/api/run", Req(levers, scenario: "what-if/japan-ban-2026"));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            var v = await _wb.Json(r);
            return (v.GetProperty("command").GetString()!, v.GetProperty("outcomes").GetProperty("cost:JP").GetDouble());
        }
        var kept = await Japan(new());
        var held = await Japan(new() { ["behaviour.held_stock_reroute_share"] = "1" });
        Assert.Contains("--set behaviour.held_stock_reroute_share=1", held.Command);
        Assert.True(held.Cost < kept.Cost / 10, $"Japan's cost {held.Cost} with held stock sold to it, {kept.Cost} without");
    }

    [Fact]
    public async Task A_run_gives_the_numbers_of_the_CLI_run_with_the_same_levers_and_seed()
    {
        var levers = new Dictionary<string, string> { ["ep0.length"] = "12", ["countries.JP.hoarding_gain"] = "1.5" };
        var r1 = await _wb.Post("/api/run", Req(levers, seed: 3));
        var r2 = await _wb.Post("/api/run", Req(levers, seed: 3));
        Assert.Equal(HttpStatusCode.OK, r1.StatusCode);
        var v = await _wb.Json(r1);
        // the same view twice, but for the time taken and the SVG writer's clip-path ids (unique over a page)
        Assert.Equal(Same(await r1.Content.ReadAsStringAsync()), Same(await r2.Content.ReadAsStringAsync()));

        string command = v.GetProperty("command").GetString()!;
        Assert.StartsWith("rareearth run scenarios/japan-2010.yaml --seed 3 --set ", command);
        Assert.Contains("events.15.month=2011-09", command); // 12 months from 2010-09: the relief event moves by 10 months
        var dir = Repo.TempDir();
        var args = command.Split(' ').Skip(1).Concat(new[] { "--out", dir, "--no-charts" }).ToArray();
        var (exit, _, err) = Repo.Cli(args);
        Assert.True(exit == 0, err);
        var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json"))).RootElement;
        var outcomes = v.GetProperty("outcomes");
        string mat = v.GetProperty("material").GetString()!;
        var peak = summary.GetProperty("prices").EnumerateArray().First(p => p.GetProperty("material").GetString() == mat && p.GetProperty("region").GetString() != "CN");
        Assert.Equal(peak.GetProperty("peak_multiple").GetDouble(), outcomes.GetProperty($"peak:{mat}").GetDouble());
        foreach (var c in summary.GetProperty("counterfactual").GetProperty("countries").EnumerateArray())
            if (outcomes.TryGetProperty("cost:" + c.GetProperty("country").GetString(), out var cost))
                Assert.Equal(c.GetProperty("net_cost_usd").GetDouble(), cost.GetDouble());
        Assert.True(File.Exists(Path.Combine(dir, "report.html")));   // run writes the HTML report next to summary.json
        Directory.Delete(dir, true);
    }

    static string Same(string json) =>
        System.Text.RegularExpressions.Regex.Replace(System.Text.RegularExpressions.Regex.Replace(json, "cl_[0-9a-f]+", "cl_"), "\"ms\":[0-9.E+-]+", "");

    [Fact]
    public async Task Pinning_A_gives_B_against_A_with_a_headline_per_outcome_and_difference_charts()
    {
        var r = await _wb.Post("/api/run", Req(new() { ["ev13.approval"] = "0.05" }, pinned: new()));
        var v = await _wb.Json(r);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var compare = v.GetProperty("compare").EnumerateArray().Select(x => x.GetString()!).ToList();
        Assert.NotEmpty(compare);
        Assert.All(compare, s => Assert.Contains(" in B", s));
        var charts = v.GetProperty("charts").EnumerateArray().Select(c => c.GetProperty("id").GetString()).ToList();
        Assert.Contains("diff_price", charts);
        Assert.Contains(v.GetProperty("costs").EnumerateArray(), c => c.GetProperty("country").GetString() == "CN" && c.GetProperty("restricting").GetBoolean());
        Assert.All(v.GetProperty("costs").EnumerateArray(), c => Assert.DoesNotContain("E+", c.GetProperty("netText").GetString()));
    }

    [Fact]
    public async Task Saved_scenario_validates_and_the_report_is_one_self_contained_file()
    {
        var levers = new Dictionary<string, string> { ["ep0.length"] = "12" };
        var save = await _wb.Json(await _wb.Post("/api/save", Req(levers)));
        var dir = Repo.TempDir();
        var file = Path.Combine(dir, save.GetProperty("fileName").GetString()!);
        File.WriteAllText(file, save.GetProperty("yaml").GetString());
        var (exit, stdout, err) = Repo.Cli("validate", file);
        Assert.True(exit == 0, err);
        Assert.Contains("ok:", stdout);
        Assert.Contains("--set events.15.month=2011-09", save.GetProperty("command").GetString());

        var report = await _wb.Post("/api/report", Req(levers));
        Assert.Equal("text/html; charset=utf-8", report.Content.Headers.ContentType!.ToString());
        var html = await report.Content.ReadAsStringAsync();
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("<svg", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("src=\"http", html);
        Assert.DoesNotContain("href=\"http", html);
        Assert.Contains("Japan", html);
        Directory.Delete(dir, true);
    }

    [Fact]
    public async Task With_uncertainty_runs_paired_seeds_in_the_background_and_gives_bands()
    {
        var start = await _wb.Post("/api/jobs", Req(new() { ["ev13.approval"] = "0.05" }, pinned: new(), runs: 6));
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        string id = (await _wb.Json(start)).GetProperty("id").GetString()!;
        JsonElement s;
        var until = DateTime.UtcNow.AddSeconds(60);
        do { await Task.Delay(100); s = await _wb.Json(await _wb.Http.GetAsync($"/api/jobs/{id}")); }
        while (s.GetProperty("state").GetString() == "running" && DateTime.UtcNow < until);
        Assert.Equal("done", s.GetProperty("state").GetString());
        var v = await _wb.Json(await _wb.Http.GetAsync($"/api/jobs/{id}/result"));
        Assert.Equal(6, v.GetProperty("runs").GetInt32());
        Assert.Contains("[", v.GetProperty("compare")[0].GetString());   // an interval over the pairs
        Assert.Contains("5-95%", v.GetProperty("headlines")[0].GetString());
    }

    [Fact]
    public async Task A_job_can_be_cancelled()
    {
        var start = await _wb.Post("/api/jobs", Req(runs: 400));
        string id = (await _wb.Json(start)).GetProperty("id").GetString()!;
        var c = await _wb.Http.DeleteAsync($"/api/jobs/{id}");
        Assert.Equal(HttpStatusCode.OK, c.StatusCode);
        JsonElement s;
        do { await Task.Delay(50); s = await _wb.Json(await _wb.Http.GetAsync($"/api/jobs/{id}")); }
        while (s.GetProperty("state").GetString() == "running");
        Assert.Equal("cancelled", s.GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await _wb.Http.GetAsync($"/api/jobs/{id}/result")).StatusCode);
    }

    [Fact]
    public async Task Every_exercise_moves_levers_of_its_scenario_and_its_answer_is_an_outcome_of_the_run()
    {
        foreach (var x in Exercises.All)
        {
            var r = await _wb.Post("/api/run", new { scenario = x.Scenario, levers = x.Levers, material = x.Material });
            var body = await r.Content.ReadAsStringAsync();
            Assert.True(r.StatusCode == HttpStatusCode.OK, $"{x.Id}: {body}");
            var v = JsonDocument.Parse(body).RootElement;
            Assert.True(v.GetProperty("outcomes").TryGetProperty(x.Outcome, out _), $"{x.Id}: no outcome {x.Outcome} in {v.GetProperty("outcomes")}");
            Assert.Equal(x.Levers.Count > 0, v.GetProperty("command").GetString()!.Contains("--set ")); // its levers changed the run
        }
    }
}
