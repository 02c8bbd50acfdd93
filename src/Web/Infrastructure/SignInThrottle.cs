using System.Threading.RateLimiting;

namespace Matchmaker.Web.Infrastructure;

/// <summary>
/// Failed sign-ins and unknown API tokens per client address: after <c>RateLimiting:FailuresPerMinute</c> (default 20)
/// failures in a minute, every attempt from that address answers 429 with Retry-After until the minute is over.
/// Each account also has its own growing lockout (<see cref="AccountLockout"/>).
/// </summary>
public sealed class SignInThrottle(IConfiguration configuration) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _failures = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = configuration.GetValue("RateLimiting:FailuresPerMinute", 20),
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    public static string AddressOf(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>When the address has used up its failures: how long until it may try again.</summary>
    public TimeSpan? Blocked(HttpContext context)
    {
        using var probe = _failures.AttemptAcquire(AddressOf(context), 0);
        if (probe.IsAcquired) return null;
        return probe.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
    }

    public void Failed(HttpContext context)
    {
        using var lease = _failures.AttemptAcquire(AddressOf(context));
    }

    public static void WriteRetryAfter(HttpContext context, TimeSpan retryAfter) =>
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString();

    public void Dispose() => _failures.Dispose();
}

/// <summary>After 5 wrong passwords in a row an account waits 1 minute, then 2, 4, … up to an hour, per further failure.</summary>
public static class AccountLockout
{
    public const int FreeFailures = 5;

    public static DateTimeOffset? LockedUntil(int failures, DateTimeOffset now) =>
        failures < FreeFailures ? null : now.AddMinutes(Math.Min(60, 1 << Math.Min(6, failures - FreeFailures)));
}
