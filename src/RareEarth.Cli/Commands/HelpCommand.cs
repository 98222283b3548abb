using System.CommandLine;

namespace RareEarth.Cli;

/// <summary><c>help [COMMAND]</c>: the same text as <c>--help</c>, for the tool or one of its commands.</summary>
internal static class HelpCommand
{
    public static Command Create(RootCommand root)
    {
        var name = new Argument<string?>("command") { Description = "The command to describe, e.g. batch (default: list every command)", Arity = ArgumentArity.ZeroOrOne };
        var cmd = new Command("help", "Describe the tool and its commands, or one command: rareearth help batch") { name };
        cmd.SetAction(parse =>
        {
            var wanted = parse.GetValue(name);
            if (wanted is null) return root.Parse("--help").Invoke();
            if (root.Subcommands.FirstOrDefault(c => c.Name == wanted) is null)
            {
                Console.Error.WriteLine($"error: no command '{wanted}'; the commands are: {string.Join(", ", root.Subcommands.Select(c => c.Name))}");
                return Common.InvalidInput;
            }
            return root.Parse(new[] { wanted, "--help" }).Invoke();
        });
        return cmd;
    }
}
