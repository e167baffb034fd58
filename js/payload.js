// TikTok request-body builders: filled in by the payload module.
export {};
