// Words of one part of the dashboard, kept apart so each part's keys live beside each other.
// Every key needs both languages: `ru` is typed by `en`'s keys, so tsc fails on a missing one.
// These are the API client's own words, for when the server gave none (it says everything else in the language
// the client asks for with Accept-Language).
export const en = {
  "errors.checkForm": "Please check the form.",
  "errors.server": "The server had a problem. Please try again.",
  "errors.requestFailed": "Request failed.",
  "errors.network": "Cannot reach the server. Check your connection.",
} as const;

export const ru: Record<keyof typeof en, string> = {
  "errors.checkForm": "Проверьте, правильно ли заполнена форма.",
  "errors.server": "На сервере произошла ошибка. Попробуйте ещё раз.",
  "errors.requestFailed": "Запрос не выполнен.",
  "errors.network": "Нет связи с сервером. Проверьте подключение к интернету.",
};
