// Types of the TikTok request-body builders.
export {};
