using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace RareEarth.Web;

/// <summary>How the workbench is started: where it listens, which scenarios it offers, its limits.</summary>
public sealed record WorkbenchSettings
{
    /// <summary>Addresses to listen on (Kestrel's --urls form); loopback only by default.</summary>
    public string Urls { get; init; } = "http://127.0.0.1:5170";
    /// <summary>The folder whose *.yaml files are offered (see <see cref="ScenarioCatalog"/>).</summary>
    public string ScenarioFolder { get; init; } = ScenarioCatalog.DefaultFolder();
    public WorkbenchLimits Limits { get; init; } = new();
    /// <summary>Command-line arguments for the host's configuration (e.g. --Logging:LogLevel:Default=Debug).</summary>
    public string[] Args { get; init; } = [];
}

/// <summary>
/// The workbench: an ASP.NET Core app on the generic host (configuration, logging, graceful shutdown on Ctrl-C). The page,
/// its script and styles are embedded in this assembly; the API runs the engine through the Runner, as the CLI does.
/// </summary>
public static class WorkbenchApp
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Builds the app; <paramref name="configure"/> may adjust the builder (tests put a TestServer in).</summary>
    public static WebApplication Build(WorkbenchSettings settings, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = settings.Args,
            EnvironmentName = Environments.Production, // never the developer exception page: errors are shown as sentences
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseUrls(settings.Urls);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = settings.Limits.MaxBodyBytes);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddSingleton(settings.Limits);
        builder.Services.AddSingleton(new ScenarioCatalog(settings.ScenarioFolder));
        builder.Services.AddSingleton<WhatIfPlanner>();
        builder.Services.AddSingleton<UncertaintyJobs>();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.NumberHandling = Json.NumberHandling;
        });
        configure?.Invoke(builder);
        var app = builder.Build();
        app.Use(Guard);
        Endpoints.Map(app);
        return app;
    }

    /// <summary>Every error becomes JSON with a sentence (a refusal: 4xx; anything else: 500), never a stack trace.</summary>
    static async Task Guard(HttpContext ctx, RequestDelegate next)
    {
        try
        {
            await next(ctx);
        }
        catch (RefusedException e)
        {
            await Problems(ctx, e.Status, e.Problems);
        }
        catch (BadHttpRequestException e)
        {
            await Problems(ctx, e.StatusCode, new[] { new Problem(null, null, e.Message, e.Message) });
        }
        catch (Exception e) when (!ctx.Response.HasStarted)
        {
            ctx.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("RareEarth.Web").LogError(e, "request failed");
            string msg = $"the workbench failed on this request ({e.GetType().Name}: {e.Message})";
            await Problems(ctx, 500, new[] { new Problem(null, null, msg, msg) });
        }
    }

    public static Task Problems(HttpContext ctx, int status, IReadOnlyList<Problem> problems)
    {
        ctx.Response.StatusCode = status;
        return ctx.Response.WriteAsJsonAsync(new { ok = false, problems }, Json);
    }
}
