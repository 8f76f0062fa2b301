import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, networkError, toApiError, unwrap, type ApiError } from "../api/client";
import type { components } from "../api/schema";

export type Availability = components["schemas"]["Availability"];
export type WeeklyRange = components["schemas"]["WeeklyRange"];
export type DeliveryCity = components["schemas"]["City"];
export type Slot = components["schemas"]["SlotOut"];
export type Booking = components["schemas"]["BookingOut"];
export type NewBooking = components["schemas"]["BookingIn"];
export type BookingFormat = NonNullable<Booking["format"]>;

export type CalendarStatus = components["schemas"]["CalendarStatus"];
export type BookableService = components["schemas"]["ServiceOut"];

const PAGE = 200; // the API's largest page

export const bookingKeys = {
  all: ["booking"] as const,
  availability: (companyId: string) => [...bookingKeys.all, "availability", companyId] as const,
  slots: (companyId: string, from: string, to: string, city: string, serviceId: string) =>
    [...bookingKeys.all, "slots", companyId, from, to, city, serviceId] as const,
  services: (companyId: string) => [...bookingKeys.all, "services", companyId] as const,
  bookings: (companyId: string, from: string, to: string) => [...bookingKeys.all, "bookings", companyId, from, to] as const,
  calendar: (companyId: string) => [...bookingKeys.all, "calendar", companyId] as const,
};

export function useAvailability(companyId: string) {
  return useQuery({
    queryKey: bookingKeys.availability(companyId),
    queryFn: () => unwrap(api.GET("/api/v1/companies/{company_id}/availability", { params: { path: { company_id: companyId } } })),
  });
}

/** A 422 of the availability form, with each message keyed by its full place in the body ("weekly.2.end",
 * "cities.0.name", "timezone"), since ranges and cities repeat the same field names. */
export interface AvailabilityError extends ApiError {
  paths: Record<string, string>;
}

interface ValidationItem {
  loc: (string | number)[];
  msg: string;
}

export function availabilityError(status: number, body: unknown): AvailabilityError {
  const paths: Record<string, string> = {};
  const detail = (body as { detail?: unknown } | null)?.detail;
  if (Array.isArray(detail)) {
    for (const item of detail as ValidationItem[]) {
      const place = item.loc.filter((part, index) => !(index === 0 && part === "body")).join(".");
      paths[place] = item.msg.replace(/^Value error, /, "");
    }
  }
  return { ...toApiError(status, body), paths };
}

export function useSaveAvailability(companyId: string) {
  const queryClient = useQueryClient();
  return useMutation<Availability, AvailabilityError, Availability>({
    mutationFn: async (body) => {
      const result = await api
        .PUT("/api/v1/companies/{company_id}/availability", { params: { path: { company_id: companyId } }, body })
        .catch(() => null);
      if (!result) throw { ...networkError(), paths: {} };
      if (!result.response.ok || result.data === undefined) throw availabilityError(result.response.status, result.error);
      return result.data;
    },
    onSuccess: (saved) => {
      queryClient.setQueryData(bookingKeys.availability(companyId), saved);
      void queryClient.invalidateQueries({ queryKey: [...bookingKeys.all, "slots", companyId] });
    },
  });
}

/** Free slots between two days (YYYY-MM-DD in the company's zone, both included), for a delivery city when the
 * company has several, and for a service (its duration sets the slots). */
export function useSlots(companyId: string, from: string, to: string, city: string, serviceId: string, enabled: boolean) {
  return useQuery({
    queryKey: bookingKeys.slots(companyId, from, to, city, serviceId),
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/companies/{company_id}/slots", {
          params: {
            path: { company_id: companyId },
            query: { from, to, city: city || undefined, service_id: serviceId || undefined },
          },
        }),
      ),
    enabled,
  });
}

/** What a Service company's customers book (its knowledge base rows), every page of them; none for a Product
 * company. */
export function useBookableServices(companyId: string, enabled: boolean) {
  return useQuery({
    queryKey: bookingKeys.services(companyId),
    queryFn: async () => {
      const items: BookableService[] = [];
      for (;;) {
        const query = { limit: PAGE, offset: items.length };
        const page = await unwrap(
          api.GET("/api/v1/companies/{company_id}/services", { params: { path: { company_id: companyId }, query } }),
        );
        items.push(...page.items);
        if (items.length >= page.total || page.items.length === 0) return items;
      }
    },
    enabled,
  });
}

/** The company's bookings between two days (YYYY-MM-DD in the company's zone, both included), every page of them.
 * Refreshed on focus: the assistant books in chat too. */
export function useBookings(companyId: string, from: string, to: string) {
  return useQuery({
    queryKey: bookingKeys.bookings(companyId, from, to),
    queryFn: async () => {
      const items: Booking[] = [];
      for (;;) {
        const query = { company_id: companyId, from, to, limit: PAGE, offset: items.length };
        const page = await unwrap(api.GET("/api/v1/bookings", { params: { query } }));
        items.push(...page.items);
        if (items.length >= page.total || page.items.length === 0) return items;
      }
    },
    refetchOnWindowFocus: true,
  });
}

export function useCreateBooking() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: NewBooking) => unwrap(api.POST("/api/v1/bookings", { body })),
    // A 409 SlotTaken also means the slot list is stale.
    onSettled: () => queryClient.invalidateQueries({ queryKey: bookingKeys.all }),
  });
}

export function useCancelBooking() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (bookingId: string) =>
      unwrap(api.DELETE("/api/v1/bookings/{booking_id}", { params: { path: { booking_id: bookingId } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: bookingKeys.all }),
  });
}

export function useCalendarStatus(companyId: string) {
  return useQuery({
    queryKey: bookingKeys.calendar(companyId),
    queryFn: () =>
      unwrap(api.GET("/api/v1/integrations/google-calendar/status", { params: { query: { company_id: companyId } } })),
    refetchOnWindowFocus: true,
  });
}

/** Starts Google's consent screen: the server answers with the URL to go to (or why it cannot, e.g. Google is not
 * configured on this server). */
export function useConnectCalendar() {
  return useMutation({
    mutationFn: (companyId: string) =>
      unwrap(api.POST("/api/v1/integrations/google-calendar/auth", { body: { company_id: companyId } })),
    onSuccess: ({ url }) => window.location.assign(url),
  });
}

/** Stops using the company's Google Calendar (the server revokes the access at Google and drops the tokens). */
export function useDisconnectCalendar() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (companyId: string) =>
      unwrap(api.POST("/api/v1/integrations/google-calendar/disconnect", { body: { company_id: companyId } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: bookingKeys.all }),
  });
}
