/** The Authorization header the model server wants for /files/private/… (a requestInit test). */
export const AUTH = 'Bearer let-me-in';
