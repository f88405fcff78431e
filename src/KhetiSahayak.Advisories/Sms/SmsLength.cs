namespace KhetiSahayak.Advisories.Sms;

/// <summary>How an SMS text is sent: its encoding, its length in that encoding's units (septets or UTF-16 code units) and segments.</summary>
public readonly record struct SmsLength(SmsEncoding Encoding, int Units, int Segments);
