namespace Matchmaker.Web.Pages.Shared;

/// <summary>What a page says while its heavy work (re-match, what-if) computes or has no room: the Dutch "how long", and the header.</summary>
public static class Busy
{
    public static int Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    /// <summary>"over 1 seconde", "over 12 seconden", "over 3 minuten", "over 5 uur".</summary>
    public static string In(TimeSpan wait) => Seconds(wait) switch
    {
        1 => "over 1 seconde",
        < 120 and var s => $"over {s} seconden",
        < 7200 and var s => $"over {(s + 59) / 60} minuten",
        var s => $"over {(s + 3599) / 3600} uur",
    };

    /// <summary>429 Too Many Requests with Retry-After in whole seconds: the answer of a caller over its share.</summary>
    public static void Refuse(HttpContext context, TimeSpan retryAfter)
    {
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = Seconds(retryAfter).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
