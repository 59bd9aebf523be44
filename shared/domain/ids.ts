// Identifiers shared by every record type.
import { z } from 'zod';

export const E164Schema = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number');
export const IsoTimeSchema = z.iso.datetime({ offset: true });
export const UuidSchema = z.uuid();
