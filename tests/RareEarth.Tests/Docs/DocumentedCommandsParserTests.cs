namespace RareEarth.Tests.Docs;

/// <summary>How commands are read out of Markdown for <see cref="DocumentedCommandsTests"/>.</summary>
public class DocumentedCommandsParserTests
{
    [Fact]
    public void CommandsComeOutOfShellBlocksWithQuotesCommentsLoopsAndContinuations()
    {
        const string md = """
            Text with `rareearth run inline.yaml`, not a block.

            ```bash
            R="dotnet run --project src/RareEarth.Cli -c Release --"
            $R run scenarios/a.yaml --set 'events=[]'   # a comment
            dotnet run --project src/RareEarth.Cli -c Release -- sql x.duckdb "SELECT * FROM runs # not a comment"
            dotnet test Simulation.sln -c Release
            for k in 0 1; do
              rareearth batch s.yaml --runs 100 --shard $k/2 \
                --out shard-$k.duckdb
            done
            rareearth merge --out all.duckdb shard-*.duckdb > /dev/null
            ```

            ```yaml
            rareearth: not a command
            ```

            <!-- illustrative -->
            ```bash
            rareearth compare A.duckdb B.duckdb
            ```
            """;
        var commands = DocumentedCommands.Extract("x.md", md);
        Assert.Equal(new[]
        {
            "run scenarios/a.yaml --set events=[]",
            "sql x.duckdb SELECT * FROM runs # not a comment",
            "batch s.yaml --runs 100 --shard 0/2 --out shard-0.duckdb",
            "batch s.yaml --runs 100 --shard 1/2 --out shard-1.duckdb",
            $"merge --out all.duckdb shard-{DocumentedCommands.Glob}.duckdb",
        }, commands.Select(c => string.Join(' ', c.Args)));
        Assert.Equal(5, commands[0].Line);
    }

    [Fact]
    public void BatchesAndSweepsAreMadeSmall()
    {
        Assert.Equal("batch s.yaml --runs 8", string.Join(' ', DocumentedCommands.Small(new[] { "batch", "s.yaml", "--runs", "10000" })));
        Assert.Equal("batch s.yaml --runs 2 --design sobol", string.Join(' ', DocumentedCommands.Small(new[] { "batch", "s.yaml", "--runs", "512", "--design", "sobol" })));
        Assert.Equal("sweep s.yaml --param a.b=0:3:1.5 --runs-per-point 2",
            string.Join(' ', DocumentedCommands.Small(new[] { "sweep", "s.yaml", "--param", "a.b=0:3:0.5", "--runs-per-point", "20" })));
        Assert.Equal("run s.yaml --no-charts", string.Join(' ', DocumentedCommands.Small(new[] { "run", "s.yaml" }, charts: false)));
    }
}
