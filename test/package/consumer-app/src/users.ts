export const USER = { email: 'ada@example.com', password: 'analytical engine 1843' };
