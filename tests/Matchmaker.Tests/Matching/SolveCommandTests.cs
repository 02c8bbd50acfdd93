using System.Text.Json;
using Matchmaker.Tests.Infrastructure;

namespace Matchmaker.Tests.Matching;

/// <summary>The command-line contract of <c>solve</c>, run as a real process on the built Silo.</summary>
[Trait(Lane.Name, Lane.Fast)]
public sealed class SolveCommandTests
{
    private const string ValidPlace = """
        { "id": "p1", "careType": "residential", "units": 2, "minAge": 6, "maxAge": 12, "genders": ["f","m","x"], "secure": false,
          "specialisms": ["lvb"], "lat": 51.92, "lon": 4.48, "regionId": "r01", "contractedBy": ["r01","r02"] }
        """;

    private const string ValidRequest = """
        { "id": "q1", "careType": "residential", "age": 8, "gender": "f", "priority": 1, "waitingDays": 40, "needsSecure": false,
          "needs": ["lvb"], "lat": 51.90, "lon": 4.50, "maxDistanceKm": 60, "regionId": "r01", "siblingGroup": null }
        """;

    private static string Instance(string places, string requests) =>
        $$"""{ "places": [{{places}}], "requests": [{{requests}}], "policy": { "allowOutOfRegion": true, "allowNonContracted": false } }""";

    [Fact]
    public async Task Solve_OnTheDocumentedExample_WritesTheResultAsJson()
    {
        var (exit, stdout, stderr) = await RunAsync(Instance(ValidPlace, ValidRequest));

        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        using var result = JsonDocument.Parse(stdout);
        var assignment = result.RootElement.GetProperty("assignments")[0];
        Assert.Equal("q1", assignment.GetProperty("request").GetString());
        Assert.Equal("p1", assignment.GetProperty("place").GetString());
        Assert.Equal(2.6, assignment.GetProperty("distanceKm").GetDouble(), 1);
        Assert.Equal([1, 0, 0], result.RootElement.GetProperty("objective").GetProperty("assignedByPriority").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(0, result.RootElement.GetProperty("unassigned").GetArrayLength());
        Assert.False(string.IsNullOrEmpty(result.RootElement.GetProperty("policyVersion").GetString()));
        Assert.True(result.RootElement.GetProperty("solveMillis").GetInt64() >= 0);
    }

    [Theory]
    [InlineData("{ \"places\": [", "$")]
    [InlineData("[]", "$")]
    [InlineData("{ \"requests\": [] }", "$.places")]
    [InlineData("NEGATIVE_UNITS", "$.places[0].units")]
    [InlineData("UNKNOWN_PRIORITY", "$.requests[0].priority")]
    [InlineData("DUPLICATE_REQUEST", "$.requests[1].id")]
    [InlineData("DUPLICATE_PLACE", "$.places[1].id")]
    [InlineData("MISSING_AGE", "$.requests[0].age")]
    [InlineData("AGES_REVERSED", "$.places[0].maxAge")]
    public async Task Solve_OnInvalidInput_NamesTheFirstProblemAndItsPath_ExitsWith2_AndPrintsNothing(string input, string path)
    {
        var document = input switch
        {
            "NEGATIVE_UNITS" => Instance(ValidPlace.Replace("\"units\": 2", "\"units\": -1"), ValidRequest),
            "UNKNOWN_PRIORITY" => Instance(ValidPlace, ValidRequest.Replace("\"priority\": 1", "\"priority\": 7")),
            "DUPLICATE_REQUEST" => Instance(ValidPlace, ValidRequest + "," + ValidRequest),
            "DUPLICATE_PLACE" => Instance(ValidPlace + "," + ValidPlace, ValidRequest),
            "MISSING_AGE" => Instance(ValidPlace, ValidRequest.Replace("\"age\": 8,", "")),
            "AGES_REVERSED" => Instance(ValidPlace.Replace("\"maxAge\": 12", "\"maxAge\": 3"), ValidRequest),
            _ => input,
        };

        var (exit, stdout, stderr) = await RunAsync(document);

        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Contains(path + ":", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task Solve_OnAMissingFile_SaysSoAndExitsWith2()
    {
        var (exit, stdout, stderr) = await RunFileAsync(Path.Combine(Path.GetTempPath(), "no-such-instance.json"));

        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Contains("Cannot read", stderr);
    }

    [Fact]
    public async Task SolveWithRepeat_TimesTheInstance_AndPrintsTheWarmMedians_OfTheSolveAndOfTheAllocationAlone()
    {
        var file = Path.Combine(Path.GetTempPath(), $"instance-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, Instance(ValidPlace, ValidRequest));
        try
        {
            var (exit, stdout, stderr) = await SiloProcess.RunAsync(["solve", file, "--repeat", "25"]);
            var (badExit, badStdout, badStderr) = await SiloProcess.RunAsync(["solve", file, "--repeat", "zero"]);

            Assert.Equal(0, exit);
            Assert.Equal("", stderr);
            Assert.Matches(@"^1 requests, 1 places, 2 units: placed 1; cold [0-9.]+ ms, warm median [0-9.]+ ms over 25 solve\(s\) .*; allocation alone: warm median [0-9.]+ ms", stdout.Trim());
            Assert.Equal(2, badExit);
            Assert.Equal("", badStdout);
            Assert.Contains("--repeat takes a whole number", badStderr);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(string json)
    {
        var file = Path.Combine(Path.GetTempPath(), $"instance-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, json);
        try
        {
            return await RunFileAsync(file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static Task<(int Exit, string Stdout, string Stderr)> RunFileAsync(string file) => SiloProcess.RunAsync(["solve", file]);
}
