using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace RareEarth.Web;

/// <summary>
/// The page and the API. Requests carry a scenario id and lever values, never a path; bodies are read up to
/// <see cref="WorkbenchLimits.MaxBodyBytes"/>. See docs/workbench.md.
/// </summary>
public static class Endpoints
{
    /// <summary>The embedded files the page loads, by the name it asks for (nothing else is served from resources).</summary>
    static readonly Dictionary<string, string> Assets = new()
    {
        ["app.js"] = "text/javascript; charset=utf-8",
        ["app.css"] = "text/css; charset=utf-8",
    };

    public static void Map(WebApplication app)
    {
        app.MapGet("/", () => Results.Content(Asset("index.html"), "text/html; charset=utf-8"));
        app.MapGet("/assets/{name}", (string name) =>
            Assets.TryGetValue(name, out var type) ? Results.Content(Asset(name), type) : Results.NotFound());

        app.MapGet("/api/scenarios", (ScenarioCatalog catalog) =>
            catalog.Entries.Select(e => new { e.Id, e.Name, e.Description, Path = e.DisplayPath }));

        app.MapGet("/api/scenarios/{id}", (string id, WhatIfPlanner planner) =>
        {
            var entry = planner.Entry(id);
            var (nominal, levers) = planner.Scenario(entry);
            var m = nominal.Model;
            var focus = RareEarth.Runner.Output.SummaryBuilder.Focus(m);
            return Results.Json(new
            {
                entry.Id, entry.Name, entry.Description, Path = entry.DisplayPath,
                Start = m.MonthLabel(0), End = m.MonthLabel(m.Months - 1), m.Months,
                Materials = m.MaterialIds.Select(x => new { Id = x, Name = RareEarth.Reporting.HtmlOutcomes.Material(x) }),
                Material = focus.Materials.FirstOrDefault() ?? m.MaterialIds[0],
                Uncertain = nominal.Uncertain.Select(u => u.Path),
                Groups = levers.Groups,
            }, WorkbenchApp.Json);
        });

        app.MapGet("/api/exercises", () => Results.Json(Exercises.All, WorkbenchApp.Json));
        app.MapGet("/api/limits", (WorkbenchLimits limits) => Results.Json(limits, WorkbenchApp.Json));

        app.MapPost("/api/run", async (HttpContext ctx, WhatIfPlanner planner) =>
        {
            var req = await Read<WhatIfRequest>(ctx);
            return Results.Json(Views.Single(planner.Plan(req)), WorkbenchApp.Json);
        });

        app.MapPost("/api/jobs", async (HttpContext ctx, WhatIfPlanner planner, UncertaintyJobs jobs) =>
        {
            var req = await Read<WhatIfRequest>(ctx);
            var plan = planner.Plan(req);
            var status = jobs.Start(plan, req.Runs ?? planner.Limits.DefaultBatchRuns);
            return Results.Json(status, WorkbenchApp.Json, statusCode: 202);
        });
        app.MapGet("/api/jobs/{id}", (string id, UncertaintyJobs jobs) =>
            jobs.Status(id) is { } s ? Results.Json(s, WorkbenchApp.Json) : throw RefusedException.One("no such job (finished jobs are kept for a while only)", 404));
        app.MapGet("/api/jobs/{id}/result", (string id, UncertaintyJobs jobs) =>
            jobs.Result(id) is { } v ? Results.Json(v, WorkbenchApp.Json) : throw RefusedException.One("the job has no result (still running, cancelled, failed or unknown)", 409));
        app.MapDelete("/api/jobs/{id}", (string id, UncertaintyJobs jobs) =>
            jobs.Cancel(id) ? Results.Json(jobs.Status(id), WorkbenchApp.Json) : throw RefusedException.One("no such job", 404));

        app.MapPost("/api/save", async (HttpContext ctx, WhatIfPlanner planner) =>
        {
            var plan = planner.Plan(await Read<WhatIfRequest>(ctx));
            return Results.Json(new
            {
                FileName = $"{plan.Entry.Id}-whatif.yaml",
                Yaml = WhatIfPlanner.ScenarioYaml(plan.B, plan.Seed),
                Command = plan.B.Command(plan.Seed),
                plan.B.Sets,
            }, WorkbenchApp.Json);
        });

        app.MapPost("/api/report", async (HttpContext ctx, WhatIfPlanner planner, UncertaintyJobs jobs) =>
        {
            var req = await Read<WhatIfRequest>(ctx);
            string? job = ctx.Request.Query["job"];
            var view = job is not null && jobs.Result(job) is { } done ? done : Views.Single(planner.Plan(req));
            var html = Views.Report(view);
            return Results.File(Encoding.UTF8.GetBytes(html), "text/html; charset=utf-8", $"{view.Scenario}-report.html");
        });
    }

    /// <summary>Reads a JSON body of at most the size limit (whatever Content-Length says), or refuses it.</summary>
    static async Task<T> Read<T>(HttpContext ctx) where T : class
    {
        int max = ctx.RequestServices.GetRequiredService<WorkbenchLimits>().MaxBodyBytes;
        if (ctx.Request.ContentLength > max) throw TooLarge(max);
        var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int n;
        while ((n = await ctx.Request.Body.ReadAsync(chunk, ctx.RequestAborted)) > 0)
        {
            buffer.Write(chunk, 0, n);
            if (buffer.Length > max) throw TooLarge(max);
        }
        try
        {
            return JsonSerializer.Deserialize<T>(buffer.ToArray(), WorkbenchApp.Json) ?? throw RefusedException.One("the request body is empty; expected JSON");
        }
        catch (JsonException e)
        {
            throw RefusedException.One($"the request is not the JSON expected ({e.Message.Split('.')[0]})");
        }
    }

    static RefusedException TooLarge(int max) => RefusedException.One($"the request body is larger than {max / 1024} KB, the most the workbench reads", 413);

    static string Asset(string name)
    {
        using var s = Assembly.GetExecutingAssembly().GetManifestResourceStream("RareEarth.Web.wwwroot." + name)
                      ?? throw new InvalidOperationException($"the page's file {name} is missing from the build");
        using var r = new StreamReader(s);
        return r.ReadToEnd();
    }
}
