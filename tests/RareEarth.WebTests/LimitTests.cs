using System.Net;
using System.Text;
using System.Text.Json;
using RareEarth.Web;

namespace RareEarth.WebTests;

/// <summary>Every limit of docs/workbench.md is enforced, with a sentence and never a stack trace; no path comes from the browser.</summary>
public sealed class LimitTests
{
    static async Task<(HttpStatusCode Status, string Message)> Refused(HttpResponseMessage r)
    {
        var body = await r.Content.ReadAsStringAsync();
        Assert.DoesNotContain("   at ", body);
        var problems = JsonDocument.Parse(body).RootElement.GetProperty("problems");
        return (r.StatusCode, string.Join(" | ", problems.EnumerateArray().Select(p => p.GetProperty("message").GetString())));
    }

    [Fact]
    public void The_documented_limits_are_the_defaults()
    {
        var doc = File.ReadAllText(Path.Combine(Repo.Root, "docs", "workbench.md"));
        var l = new WorkbenchLimits();
        Assert.Contains($"| request body | {l.MaxBodyBytes / 1024} KB |", doc);
        Assert.Contains($"| lever values per request | {l.MaxLevers} |", doc);
        Assert.Contains($"| characters per lever value | {l.MaxValueLength} |", doc);
        Assert.Contains($"| engine runs per request | {l.MaxRunsPerRequest} |", doc);
        Assert.Contains($"| runs per \"with uncertainty\" job | {l.MaxBatchRuns} (default {l.DefaultBatchRuns}) |", doc);
        Assert.Contains($"| jobs running at once | {l.MaxConcurrentJobs} |", doc);
        Assert.Contains($"| scenario horizon | {l.MaxHorizonMonths} months |", doc);
        Assert.Contains($"| seed | 0 to {l.MaxSeed:#,0} |", doc);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_refused()
    {
        await using var wb = new TestWorkbench(new WorkbenchLimits { MaxBodyBytes = 1024 });
        var big = "{\"scenario\":\"japan-2010\",\"levers\":{\"x\":\"" + new string('a', 2000) + "\"}}";
        var r = await wb.Http.PostAsync("/api/run", new StringContent(big, Encoding.UTF8, "application/json"));
        var (status, msg) = await Refused(r);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("larger than 1 KB", msg);
    }

    [Fact]
    public async Task Too_many_or_too_long_lever_values_and_unknown_levers_are_refused()
    {
        await using var wb = new TestWorkbench(new WorkbenchLimits { MaxLevers = 3 });
        var many = Enumerable.Range(0, 4).ToDictionary(i => $"ev{i}.x", _ => "1");
        var (s1, m1) = await Refused(await wb.Post("/api/run", new { scenario = "japan-2010", levers = many }));
        Assert.Equal(HttpStatusCode.BadRequest, s1);
        Assert.Contains("at most 3 per request", m1);
        var (_, m2) = await Refused(await wb.Post("/api/run", new { scenario = "japan-2010", levers = new Dictionary<string, string> { ["ev13.approval"] = new string('1', 100) } }));
        Assert.Contains("expected at most 40", m2);
        var (_, m3) = await Refused(await wb.Post("/api/run", new { scenario = "japan-2010", levers = new Dictionary<string, string> { ["extends"] = "/etc/passwd" } }));
        Assert.Contains("is not a lever of this scenario", m3);
    }

    [Fact]
    public async Task Scenarios_are_named_by_id_never_by_path()
    {
        await using var wb = new TestWorkbench();
        foreach (var id in new[] { "../scenarios/japan-2010", "/etc/passwd", "world/common", "scenarios/japan-2010.yaml" })
        {
            var (status, msg) = await Refused(await wb.Post("/api/run", new { scenario = id }));
            Assert.Equal(HttpStatusCode.NotFound, status);
            Assert.Contains("unknown scenario", msg);
        }
    }

    [Fact]
    public async Task Seed_horizon_and_batch_size_are_capped()
    {
        await using var wb = new TestWorkbench(new WorkbenchLimits { MaxHorizonMonths = 60, MaxBatchRuns = 10 });
        var (_, seed) = await Refused(await wb.Post("/api/run", new { scenario = "japan-2010", seed = 2_000_000 }));
        Assert.Contains("expected a whole number between 0 and 1000000", seed);
        var (_, horizon) = await Refused(await wb.Post("/api/run", new { scenario = "japan-2010" }));   // 84 months
        Assert.Contains("at most 60", horizon);
        await using var wb2 = new TestWorkbench(new WorkbenchLimits { MaxBatchRuns = 10 });
        var (_, runs) = await Refused(await wb2.Post("/api/jobs", new { scenario = "japan-2010", runs = 11 }));
        Assert.Contains("between 2 and 10", runs);
    }

    [Fact]
    public async Task Jobs_beyond_the_concurrent_limit_are_refused_until_one_ends()
    {
        await using var wb = new TestWorkbench(new WorkbenchLimits { MaxConcurrentJobs = 1 });
        var first = await wb.Post("/api/jobs", new { scenario = "japan-2010", runs = 400 });
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var (status, msg) = await Refused(await wb.Post("/api/jobs", new { scenario = "japan-2010", runs = 5 }));
        Assert.Equal((HttpStatusCode)429, status);
        Assert.Contains("running already", msg);
        string id = (await wb.Json(first)).GetProperty("id").GetString()!;
        await wb.Http.DeleteAsync($"/api/jobs/{id}");
        var until = DateTime.UtcNow.AddSeconds(30);
        while ((await wb.Json(await wb.Http.GetAsync($"/api/jobs/{id}"))).GetProperty("state").GetString() == "running" && DateTime.UtcNow < until) await Task.Delay(50);
        Assert.Equal(HttpStatusCode.Accepted, (await wb.Post("/api/jobs", new { scenario = "japan-2010", runs = 2 })).StatusCode);
    }

    [Fact]
    public async Task Malformed_requests_get_a_sentence()
    {
        await using var wb = new TestWorkbench();
        var r = await wb.Http.PostAsync("/api/run", new StringContent("{not json", Encoding.UTF8, "application/json"));
        var (status, msg) = await Refused(r);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("not the JSON expected", msg);
        Assert.Equal(HttpStatusCode.NotFound, (await wb.Http.GetAsync("/assets/../../etc/passwd")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await wb.Http.GetAsync("/assets/index.cs")).StatusCode);
    }
}
