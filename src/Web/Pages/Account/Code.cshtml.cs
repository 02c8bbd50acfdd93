using Matchmaker.Silo.Access;
using Matchmaker.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Matchmaker.Web.Pages.Account;

/// <summary>
/// The second step of signing in: the 6-digit code from the authenticator app, or one of the recovery codes (used up).
/// Only with a pending sign-in (the right password a few minutes ago); counted like passwords, for the account from every
/// address together and per client address (<see cref="SignInThrottle"/>).
/// </summary>
[Microsoft.AspNetCore.Authorization.AllowAnonymous]
public sealed class CodeModel(PendingSignIns pendingSignIns, SecondFactors secondFactors, SignInThrottle throttle, TimeProvider clock) : PageModel
{
    public const string Path = "/account/code";

    [BindProperty] public string? Code { get; set; }

    public string? CodeError { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await pendingSignIns.ResumeAsync(HttpContext) is not { } resumed) return BackToSignIn();
        if (!await secondFactors.IsEnrolledAsync(resumed.User.Id, HttpContext.RequestAborted)) return LocalRedirect(EnrolModel.Path);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (await pendingSignIns.ResumeAsync(HttpContext) is not { } resumed) return BackToSignIn();
        var (pending, user) = resumed;
        var address = ClientAddress.Of(HttpContext);
        if (await throttle.AddressBlockedAsync(SignInThrottle.Door.Password, address, HttpContext.RequestAborted) is { } wait)
            return TooManyAttempts(HttpContext, this, wait);
        if (string.IsNullOrWhiteSpace(Code))
            return Refused(SecondFactorRefusalText.Missing);
        if (await throttle.TakeCodeAttemptAsync(user.Id) is { } until)
            return Refused(SecondFactorRefusalText.Waiting(until, clock));
        switch (await secondFactors.VerifyAsync(user, Code))
        {
            case null:
                break;
            case SecondFactorRefusal.NotEnrolled:
                return LocalRedirect(EnrolModel.Path);
            case var refusal:
                await throttle.AddressFailedAsync(SignInThrottle.Door.Password, address);
                return Refused(SecondFactorRefusalText.Of(refusal.Value));
        }
        await throttle.CodeSucceededAsync(user.Id);
        PendingSignIns.End(HttpContext);
        await PersonSession.SignInAsync(HttpContext, user, Code!.Count(char.IsLetterOrDigit) == 6 ? "totp" : "recovery-code");
        return LocalRedirect(pending.ReturnUrl is { } url && Url.IsLocalUrl(url) ? url : SignInModel.HomeOf(user.Role));
    }

    private PageResult Refused(string sentence)
    {
        CodeError = sentence;
        Code = null;
        return Page();
    }

    private IActionResult BackToSignIn()
    {
        PendingSignIns.End(HttpContext);
        return LocalRedirect("/account/sign-in");
    }

    /// <summary>Too many failures from this client address in a minute: 429 with Retry-After, the page saying so.</summary>
    internal static IActionResult TooManyAttempts(HttpContext context, PageModel page, TimeSpan wait)
    {
        ClientAddress.WriteRetryAfter(context, wait);
        page.ModelState.AddModelError(string.Empty, $"Te veel mislukte pogingen vanaf dit adres. Probeer het over {Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes))} minuut opnieuw.");
        var result = page.Page();
        result.StatusCode = StatusCodes.Status429TooManyRequests;
        return result;
    }
}

/// <summary>The Dutch sentence beside the code field, one per refusal.</summary>
internal static class SecondFactorRefusalText
{
    public const string Missing = "Vul de code van 6 cijfers uit uw app in, of een herstelcode.";

    public static string Of(SecondFactorRefusal refusal) => refusal switch
    {
        SecondFactorRefusal.CodeWrong => "Deze code klopt niet of is al gebruikt. Vul de code in die uw app nu toont, of een herstelcode die u nog niet gebruikte.",
        SecondFactorRefusal.AlreadyEnrolled => "Tweestapsverificatie is voor uw account al ingesteld. Meld u opnieuw aan met uw code.",
        SecondFactorRefusal.NotEnrolled => "Voor uw account is nog geen tweestapsverificatie ingesteld. Meld u opnieuw aan.",
        _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal, null),
    };

    public static string Waiting(DateTimeOffset until, TimeProvider clock) =>
        $"Te veel onjuiste codes. Probeer het over {Math.Max(1, (int)Math.Ceiling((until - clock.GetUtcNow()).TotalMinutes))} minuut opnieuw.";
}
