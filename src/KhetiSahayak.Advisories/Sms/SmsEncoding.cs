namespace KhetiSahayak.Advisories.Sms;

/// <summary>The encoding a phone network uses for an SMS: GSM-7 when every character is in the GSM 03.38 alphabet, else UCS-2.</summary>
public enum SmsEncoding
{
    Gsm7,
    Ucs2,
}
