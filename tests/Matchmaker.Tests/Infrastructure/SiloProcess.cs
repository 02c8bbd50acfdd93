using System.Diagnostics;

namespace Matchmaker.Tests.Infrastructure;

/// <summary>Runs the built Silo command line as a real process: exit code, standard output and standard error.</summary>
public static class SiloProcess
{
    public static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string[] arguments, IDictionary<string, string>? environment = null, string? stdin = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Matchmaker.Silo.dll"));
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        using var process = Process.Start(start)!;
        // A command that refuses its arguments may end before it reads standard input; its exit code says why.
        try
        {
            if (stdin is not null) await process.StandardInput.WriteLineAsync(stdin);
        }
        catch (IOException)
        {
        }
        try
        {
            process.StandardInput.Close();
        }
        catch (IOException)
        {
        }
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }
}
