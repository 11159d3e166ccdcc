import { DescriptionField, TitleField } from './stream-fields';

/** `PUT /api/stream/info`: change the title and/or description; the live status is kept. */
export class UpdateStreamInfoDto {
  @TitleField(false) title?: string;
  @DescriptionField() description?: string | null;
}
