using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using RareEarth.Web;

namespace RareEarth.WebTests;

/// <summary>The repository (the folder with Simulation.sln), its shipped scenarios, and the CLI run as a process.</summary>
public static class Repo
{
    public static string Root { get; } = Find();

    static string Find()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Simulation.sln"))) return d.FullName;
        throw new InvalidOperationException("Simulation.sln not found above " + AppContext.BaseDirectory);
    }

    public static string Scenarios => Path.Combine(Root, "scenarios");

    /// <summary>The built rareearth.dll, run from the repository root.</summary>
    public static (int Exit, string Out, string Err) Cli(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Root };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "rareearth.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000)) { p.Kill(true); throw new TimeoutException("the CLI did not finish in 120 s"); }
        return (p.ExitCode, o.Result, e.Result);
    }

    /// <summary>A new folder under the system's temp folder (never in the repository).</summary>
    public static string TempDir()
    {
        var d = Path.Combine(Path.GetTempPath(), "rareearth-webtests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(d);
        return d;
    }
}

/// <summary>The workbench on an in-memory TestServer (no socket), with the shipped scenarios and given limits.</summary>
public sealed class TestWorkbench : IAsyncDisposable
{
    public WebApplication App { get; }
    public HttpClient Http { get; }

    public TestWorkbench(WorkbenchLimits? limits = null)
    {
        App = WorkbenchApp.Build(new WorkbenchSettings { ScenarioFolder = Repo.Scenarios, Limits = limits ?? new WorkbenchLimits() },
            b => b.WebHost.UseTestServer());
        App.StartAsync().GetAwaiter().GetResult();
        Http = App.GetTestClient();
    }

    public Task<HttpResponseMessage> Post(string url, object body) => Http.PostAsJsonAsync(url, body);

    public async Task<JsonElement> Json(HttpResponseMessage r) => JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
