using Matchmaker.Matching;

namespace Matchmaker.Silo;

/// <summary>
/// <c>solve INSTANCE.json</c>: the matcher on an instance file, result as JSON on standard output.
/// Invalid input: one line on standard error naming the first problem and its path, exit code 2, nothing on standard output.
/// </summary>
public static class SolveCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length != 1)
        {
            await Console.Error.WriteLineAsync("Usage: solve INSTANCE.json (one instance file; '-' reads standard input)");
            return 2;
        }
        string json;
        try
        {
            json = args[0] == "-" ? await Console.In.ReadToEndAsync() : await File.ReadAllTextAsync(args[0]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"Cannot read {args[0]}: {e.Message}");
            return 2;
        }

        MatchingInstance instance;
        try
        {
            instance = InstanceJson.Parse(json);
        }
        catch (InstanceFormatException e)
        {
            await Console.Error.WriteLineAsync($"Invalid instance {args[0]}: {e.Message}");
            return 2;
        }
        var result = Matcher.Solve(instance);
        await Console.Out.WriteLineAsync(InstanceJson.Serialize(result));
        return 0;
    }
}
