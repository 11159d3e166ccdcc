import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateBy,
  ValidateIf,
} from 'class-validator';

/** Field rules shared by the stream DTOs, so setup and updates validate alike. */

export const TITLE_MAX = 140;
export const DESCRIPTION_MAX = 2000;

// NUL and unpaired surrogates cannot be stored in PostgreSQL text or jsonb.
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Text PostgreSQL can store as sent: refused up front (400), never a 500 on write. */
export function IsStorableText() {
  return ValidateBy({
    name: 'isStorableText',
    validator: {
      validate: (value: unknown) => typeof value !== 'string' || !UNSTORABLE.test(value),
      defaultMessage: (args) =>
        `${args?.property ?? 'value'} must not contain NUL or unpaired surrogate characters`,
    },
  });
}

/** A title must hold at least one visible character (P8: non-empty). */
export function TitleField(required: boolean) {
  const doc = { maxLength: TITLE_MAX, example: 'My Awesome Stream' };
  return applyDecorators(
    required ? ApiProperty(doc) : ApiPropertyOptional(doc),
    // Optional means "may be left out", never null: a stream always has a title.
    ...(required ? [] : [ValidateIf((_: object, v: unknown) => v !== undefined)]),
    IsString(),
    MaxLength(TITLE_MAX),
    Matches(/\S/, { message: 'title must not be empty' }),
    IsStorableText(),
  );
}

/** Optional; `null` clears it. */
export function DescriptionField() {
  return applyDecorators(
    ApiPropertyOptional({ maxLength: DESCRIPTION_MAX, nullable: true, type: String }),
    ValidateIf((_, v) => v !== undefined && v !== null),
    IsString(),
    MaxLength(DESCRIPTION_MAX),
    IsStorableText(),
  );
}

export function ChatFlagField(description: string) {
  return applyDecorators(ApiPropertyOptional({ description }), IsOptional(), IsBoolean());
}
